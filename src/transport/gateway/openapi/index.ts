export { createOpenApiDocument, type OpenApiOptions, TOKEN_URL } from './document.ts';
