// Starts Swagger UI on /docs/. Kept out of index.html so the Content-Security-Policy needs no
// 'unsafe-inline' for scripts.
'use strict';

window.ui = SwaggerUIBundle({
  url: '/openapi.json',
  dom_id: '#swagger-ui',
  // No request to the public validator service (validator.swagger.io).
  validatorUrl: null,
  presets: [SwaggerUIBundle.presets.apis],
  layout: 'BaseLayout',
  deepLinking: true,
  // Only operations that the browser may try out; the rest stay documented.
  supportedSubmitMethods: ['get', 'post'],
  // The token lives in page memory only, never in localStorage.
  persistAuthorization: false,
  displayRequestDuration: true,
});
