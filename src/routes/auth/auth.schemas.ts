import * as z from '../../lib/zod'
import { jsonSchema } from '../../adapters/d1/json-columns'
import { publicUserColumns } from '../../use-cases/users'
import { WellFormedText, lazySchema } from '../schemas'

export const UserSchema = lazySchema(() =>
  jsonSchema(publicUserColumns, {
    id: (field) => field.openapi({ example: 'usr_9PzXk2LmQ4rT7vW1yB3c' }),
    email: () => z.email(),
  }).openapi('User'),
)

export const SessionSchema = lazySchema(() =>
  z.object({ token: z.string(), user: UserSchema() }).openapi('Session'),
)

export const RegisterBody = z
  .object({
    email: z.email({ error: 'Must be a valid email address' }).max(254),
    password: WellFormedText.min(10, 'Must be at least 10 characters').max(256),
    name: WellFormedText.trim().min(1, 'Required').max(100),
  })
  .openapi('RegisterRequest')

export const LoginBody = z
  .object({
    email: z.email({ error: 'Must be a valid email address' }).max(254),
    password: WellFormedText.min(1).max(256),
  })
  .openapi('LoginRequest')
