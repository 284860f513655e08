// Starts Swagger UI (public/docs/vendor/, copied from swagger-ui-dist by scripts/copy-assets.mjs) on this
// origin's /openapi.json. A file, not an inline script: /docs allows scripts from its own origin only.
window.addEventListener('load', () => {
  window.ui = window.SwaggerUIBundle({
    url: '/openapi.json',
    dom_id: '#swagger-ui',
    deepLinking: true,
    // Expanded operations show their parameters, request body, responses and examples at once.
    docExpansion: 'list',
    defaultModelsExpandDepth: 0,
    displayRequestDuration: true,
    persistAuthorization: true,
    tryItOutEnabled: false,
    // Never send the document to validator.swagger.io: the page stays offline.
    validatorUrl: null,
    presets: [window.SwaggerUIBundle.presets.apis],
    layout: 'BaseLayout',
  })
})
