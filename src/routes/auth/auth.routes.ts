import { createRoute, z } from '@hono/zod-openapi'
import { errorResponses } from '../../lib/errors'
import { jsonBody, jsonContent, security, WellFormedText } from '../schemas'

export const UserSchema = z
  .object({
    id: z.string().openapi({ example: 'usr_9PzXk2LmQ4rT7vW1yB3c' }),
    email: z.email(),
    name: z.string(),
    role: z.enum(['user', 'admin']),
    created_at: z.string(),
  })
  .openapi('User')

const SessionSchema = z.object({ token: z.string(), user: UserSchema }).openapi('Session')

const RegisterBody = z
  .object({
    email: z.email({ error: 'Must be a valid email address' }).max(254),
    password: WellFormedText.min(10, 'Must be at least 10 characters').max(256),
    name: WellFormedText.trim().min(1, 'Required').max(100),
  })
  .openapi('RegisterRequest')

const LoginBody = z
  .object({
    email: z.email({ error: 'Must be a valid email address' }).max(254),
    password: WellFormedText.min(1).max(256),
  })
  .openapi('LoginRequest')

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
