// Card entry for the checkout: Stripe.js (its URL comes from the server: Stripe's in production, the
// local payments server's in the demo and tests) mounts a card Element; card numbers go to Stripe only.
window.instainstru = (function () {
  let stripe = null;
  let card = null;

  function loadStripe(url) {
    if (window.Stripe) return Promise.resolve();
    return new Promise((resolve, reject) => {
      let script = document.querySelector("script[data-stripe-js]");
      if (!script) {
        script = document.createElement("script");
        script.src = url;
        script.dataset.stripeJs = "1";
        document.head.appendChild(script);
      }
      script.addEventListener("load", () => resolve());
      script.addEventListener("error", () => reject(new Error("Stripe.js could not be loaded")));
      const poll = setInterval(() => { if (window.Stripe) { clearInterval(poll); resolve(); } }, 50);
    });
  }

  async function mountCard(url, key) {
    try {
      await loadStripe(url);
      stripe = stripe || window.Stripe(key);
      // The page may still be rendering the form this call belongs to: wait for it (up to 5 s).
      for (let i = 0; i < 100 && !document.getElementById("card-element"); i++) {
        await new Promise((r) => setTimeout(r, 50));
      }
      if (!document.getElementById("card-element")) return "missing";
      if (card) { try { card.unmount(); } catch (e) { /* already gone */ } }
      card = stripe.elements().create("card");
      card.mount("#card-element");
      return "ready";
    } catch (e) {
      return "unavailable";
    }
  }

  async function saveCard(clientSecret) {
    if (!stripe || !card) return { error: "The card form is not ready yet. Please wait a moment and try again." };
    const result = await stripe.confirmCardSetup(clientSecret, { payment_method: { card: card } });
    if (result.error) return { error: result.error.message || "Your card could not be saved." };
    return { setup_intent: result.setupIntent.id };
  }

  async function authenticate(clientSecret) {
    const result = await stripe.confirmCardPayment(clientSecret);
    if (result.error) return { error: result.error.message || "The payment was not authenticated." };
    return { status: result.paymentIntent.status };
  }

  return { mountCard, saveCard, authenticate };
})();
