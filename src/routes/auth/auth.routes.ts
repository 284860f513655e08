import { createRoute } from '@hono/zod-openapi'
import { problemResponses, JSON_BODY, SIGNED_IN } from '../error-responses'
import { jsonBody, jsonContent, security } from '../schemas'
import { LoginBody, RegisterBody, SessionSchema, UserSchema } from './auth.schemas'

export const register = createRoute({
  method: 'post',
  path: '/auth/register',
  tags: ['auth'],
  summary: 'Create an account',
  request: { body: jsonBody(RegisterBody) },
  responses: {
    201: { description: 'Account created', ...jsonContent(SessionSchema) },
    ...problemResponses([...JSON_BODY, 'email_taken', 'rate_limited']),
  },
})

export const login = createRoute({
  method: 'post',
  path: '/auth/login',
  tags: ['auth'],
  summary: 'Exchange email and password for a token',
  request: { body: jsonBody(LoginBody) },
  responses: {
    200: { description: 'Signed in', ...jsonContent(SessionSchema) },
    ...problemResponses([...JSON_BODY, 'invalid_credentials', 'rate_limited']),
  },
})

export const me = createRoute({
  method: 'get',
  path: '/me',
  tags: ['auth'],
  summary: 'The signed-in user',
  security,
  responses: {
    200: { description: 'The current user', ...jsonContent(UserSchema) },
    ...problemResponses(SIGNED_IN, ['user_not_found']),
  },
})

export type RegisterRoute = typeof register
export type LoginRoute = typeof login
export type MeRoute = typeof me
