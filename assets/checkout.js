// Card entry for the checkout: Stripe.js (its URL comes from the server: Stripe's in production, the
// local payments server's in the demo and tests) mounts a card Element; card numbers go to Stripe only.
// Every function resolves (never rejects): errors come back as { error: "message" } for the page to show.
window.instainstru = (function () {
  let stripe = null;
  let card = null;
  let loading = null;

  function loadStripe(url) {
    if (window.Stripe) return Promise.resolve();
    if (loading) return loading;
    loading = new Promise((resolve, reject) => {
      const script = document.createElement("script");
      script.src = url;
      const timer = setTimeout(() => fail(new Error("Stripe.js did not load in time")), 15000);
      function fail(err) {
        clearTimeout(timer);
        script.remove();
        loading = null; // a later call tries again
        reject(err);
      }
      script.addEventListener("load", () => {
        clearTimeout(timer);
        if (window.Stripe) resolve();
        else fail(new Error("Stripe.js loaded without Stripe"));
      });
      script.addEventListener("error", () => fail(new Error("Stripe.js could not be loaded")));
      document.head.appendChild(script);
    });
    return loading;
  }

  async function ready(url, key) {
    await loadStripe(url);
    stripe = stripe || window.Stripe(key);
    return stripe;
  }

  function problem(err, fallback) {
    return { error: (err && (err.message || err.error && err.error.message)) || fallback };
  }

  async function mountCard(url, key) {
    try {
      await ready(url, key);
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

  async function saveCard(url, key, clientSecret) {
    try {
      await ready(url, key);
      if (!card) return { error: "The card form is not ready yet. Please wait a moment and try again." };
      const result = await stripe.confirmCardSetup(clientSecret, { payment_method: { card: card } });
      if (result.error) return problem(result.error, "Your card could not be saved.");
      return { setup_intent: result.setupIntent.id };
    } catch (e) {
      return problem(e, "Your card could not be saved. Please try again.");
    }
  }

  async function authenticate(url, key, clientSecret) {
    try {
      await ready(url, key);
      const result = await stripe.confirmCardPayment(clientSecret);
      if (result.error) return problem(result.error, "The payment was not authenticated.");
      return { status: result.paymentIntent.status };
    } catch (e) {
      return problem(e, "The payment was not authenticated. Please try again.");
    }
  }

  return { mountCard, saveCard, authenticate };
})();
