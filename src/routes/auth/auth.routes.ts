import { createRoute } from '@hono/zod-openapi'
import { errorResponses } from '../../lib/errors'
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
    ...errorResponses,
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
    ...errorResponses,
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
    ...errorResponses,
  },
})

export type RegisterRoute = typeof register
export type LoginRoute = typeof login
export type MeRoute = typeof me
