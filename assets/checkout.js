// Card entry for the checkout: Stripe.js (its URL comes from the server: Stripe's in production, the
// local payments server's in the demo and tests) mounts a card Element; card numbers go to Stripe only.
// Every function resolves (never rejects): errors come back as { code, decline_code } (Stripe.js's error codes, or
// "card_form_not_ready" / "stripe_unavailable"), which the server turns into words (services/card_messages.py).
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

  function problem(err) {
    const error = (err && (err.error || err)) || {};
    return { code: error.code || "stripe_unavailable", decline_code: error.decline_code || "" };
  }

  const NOT_READY = { code: "card_form_not_ready" };

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
      if (!card) return NOT_READY;
      const result = await stripe.confirmCardSetup(clientSecret, { payment_method: { card: card } });
      if (result.error) return problem(result.error);
      return { setup_intent: result.setupIntent.id };
    } catch (e) {
      return problem(e);
    }
  }

  // Confirm a PaymentIntent in the browser: with the card typed into the Element (a new card, which Stripe saves
  // to the customer once it has paid), or, without `withCard`, the intent's own saved card. Stripe.js shows the
  // 3-D Secure box only if the bank asks, once.
  async function confirmPayment(url, key, clientSecret, withCard) {
    try {
      await ready(url, key);
      if (withCard && !card) return NOT_READY;
      const data = withCard ? { payment_method: { card: card } } : undefined;
      const result = await stripe.confirmCardPayment(clientSecret, data);
      if (result.error) return problem(result.error);
      return { status: result.paymentIntent.status };
    } catch (e) {
      return problem(e);
    }
  }

  const payWithNewCard = (url, key, clientSecret) => confirmPayment(url, key, clientSecret, true);
  const authenticate = (url, key, clientSecret) => confirmPayment(url, key, clientSecret, false);

  return { mountCard, saveCard, payWithNewCard, authenticate };
})();
