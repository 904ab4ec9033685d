// Appended to localstripe's fake Stripe.js by tests/fakes/stripe_connect.py (test code only).
// localstripe's confirmCardPayment ignores its data and always shows the 3-D Secure box. Stripe.js's documented
// one confirms the PaymentIntent with the card typed into the card Element (`{payment_method: {card: element}}`)
// or a saved payment method, shows the box only when the bank asks for it, and answers failed authentication
// as an error. This is that, against the fake's POST /v1/payment_intents/{id}/confirm.
(function () {
  const localStripe = Stripe;
  const NOT_AUTHENTICATED = "We are unable to authenticate your payment method. Please choose a different " +
    "payment method and try again.";

  async function post(path, body) {
    const response = await fetch(LOCALSTRIPE_BASE_API + path, { method: "POST", body: JSON.stringify(body) });
    const answer = await response.json().catch(() => ({}));
    if (response.status !== 200 || answer.error) {
      return { error: answer.error || { type: "api_error", message: "The payments server did not answer." } };
    }
    return { intent: answer };
  }

  function incomplete(card) {  // Stripe.js checks the Element before calling the API
    if (!card || !/^\d{16}$/.test(card.number)) return ["incomplete_number", "Your card number is incomplete."];
    if (!card.exp_month || !/^\d{4}$/.test(card.exp_year)) {
      return ["incomplete_expiry", "Your card's expiration date is incomplete."];
    }
    if (!/^\d{3}$/.test(card.cvc)) return ["incomplete_cvc", "Your card's security code is incomplete."];
    return null;
  }

  async function confirmCardPayment(apiKey, clientSecret, data) {
    const pi = clientSecret.match(/^(pi_\w+)_secret_/)[1];
    const method = data && data.payment_method;
    if (method) {
      const body = { key: apiKey, client_secret: clientSecret };
      if (typeof method === "string") {
        body.payment_method = method;
      } else {
        const value = method.card && method.card.value;
        const missing = incomplete(value && value.card);
        if (missing) return { error: { type: "validation_error", code: missing[0], message: missing[1] } };
        body.payment_method_data = {
          type: "card", card: value.card, billing_details: { address: { postal_code: value.postal_code } },
        };
      }
      if (data.setup_future_usage) body.setup_future_usage = data.setup_future_usage;
      const confirmed = await post(`/v1/payment_intents/${pi}/confirm`, body);
      if (confirmed.error) return { error: confirmed.error };
      if (confirmed.intent.status !== "requires_action") return { paymentIntent: confirmed.intent };
    }
    const success = await openModal("3D Secure\nDo you want to confirm or cancel?",
                                    "Complete authentication", "Fail authentication");
    const done = await post(`/v1/payment_intents/${pi}/_authenticate?success=${success}`,
                            { key: apiKey, client_secret: clientSecret });
    if (done.error) return { error: done.error };
    if (done.intent.status === "requires_payment_method") {
      return { error: { type: "invalid_request_error", code: "payment_intent_authentication_failure",
                        message: NOT_AUTHENTICATED, payment_intent: done.intent } };
    }
    return { paymentIntent: done.intent };
  }

  Stripe = function (apiKey) {
    const stripe = localStripe(apiKey);
    stripe.confirmCardPayment = (clientSecret, data) => confirmCardPayment(apiKey, clientSecret, data)
      .catch((err) => ({ error: { type: "api_error", message: String((err && err.message) || err) } }));
    return stripe;
  };
})();
