// Starts the API explorer (Swagger UI) on the platform's OpenAPI document. A file of its own, not an
// inline script: the Content-Security-Policy allows scripts from this origin only.
//
// "Try it out" sends its requests to this server (the document's server is "/"). Signed in to the
// web app, the session cookie goes along; a state-changing request with the cookie also needs the
// session's CSRF token, which is read from /api/v1/auth/session when the request is about to leave
// (unless the request has a bearer token or a token typed into "Authorize").
(function () {
  'use strict';
  var unsafe = { POST: true, PUT: true, PATCH: true, DELETE: true };
  var csrf = null; // a promise of the session's CSRF token, or of null without a session

  function sessionCsrf() {
    if (!csrf) {
      csrf = fetch('/api/v1/auth/session', { credentials: 'same-origin', headers: { Accept: 'application/json' } })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (s) { return s && typeof s.csrf_token === 'string' ? s.csrf_token : null; })
        .catch(function () { return null; });
    }
    return csrf;
  }

  function hasHeader(headers, name) {
    return Object.keys(headers || {}).some(function (k) { return k.toLowerCase() === name; });
  }

  window.ui = SwaggerUIBundle({
    url: '/api/v1/openapi.json',
    dom_id: '#swagger-ui',
    presets: [SwaggerUIBundle.presets.apis],
    layout: 'BaseLayout',
    deepLinking: true,
    filter: true,
    displayOperationId: false,
    displayRequestDuration: true,
    defaultModelsExpandDepth: 0,
    validatorUrl: null, // no call to an outside validator
    queryConfigEnabled: false, // ?url= cannot point the page at another document
    requestInterceptor: function (req) {
      var method = String(req.method || 'GET').toUpperCase();
      if (!unsafe[method] || req.loadSpec || hasHeader(req.headers, 'authorization') ||
          hasHeader(req.headers, 'x-csrf-token')) {
        return req;
      }
      return sessionCsrf().then(function (token) {
        if (token) req.headers['X-CSRF-Token'] = token;
        return req;
      });
    },
  });
})();
