import {
  ChangePasswordRequest,
  ForgotPasswordRequest,
  PerformRequiredPasswordResetRequest,
  ResetPasswordRequest,
} from './account.requests';
import { decodeBody } from './decode';
import { ok, viewerOf, type RouteDef } from './route';
import { userJSON } from './serialize';
import type { Services } from './services';

/** Password and email flows of one's own account. */
export function accountRoutes({ users }: Services): RouteDef[] {
  return [
    {
      method: 'POST',
      path: '/forgot_password',
      name: 'forgot_password',
      auth: 'public',
      async handle({ req }) {
        const body = decodeBody(ForgotPasswordRequest, req.body);
        await users.forgotPassword(body.email);
        // Always 202: whether the address belongs to an account is not revealed.
        return ok({}, 202);
      },
    },
    {
      method: 'POST',
      path: '/reset_password',
      name: 'reset_password',
      auth: 'public',
      async handle({ req }) {
        const body = decodeBody(ResetPasswordRequest, req.body);
        await users.resetPassword(body.password_reset_token, body.new_password);
        return ok({});
      },
    },
    {
      method: 'POST',
      path: '/change_password',
      name: 'change_password',
      auth: 'active',
      async handle(ctx) {
        const body = decodeBody(ChangePasswordRequest, ctx.req.body);
        await users.changePassword(viewerOf(ctx), body.old_password, body.new_password);
        return ok({});
      },
    },
    {
      method: 'POST',
      path: '/perform_required_password_reset',
      name: 'perform_required_password_reset',
      auth: 'reset_pending',
      async handle(ctx) {
        const body = decodeBody(PerformRequiredPasswordResetRequest, ctx.req.body);
        return ok({ user: userJSON(await users.performRequiredPasswordReset(viewerOf(ctx), body.new_password)) });
      },
    },
    {
      method: 'GET',
      path: '/email/change/:token',
      name: 'change_email',
      auth: 'auth',
      async handle(ctx) {
        const token = ctx.req.params.token;
        return ok({ new_email: await users.changeEmail(viewerOf(ctx), typeof token === 'string' ? token : '') });
      },
    },
  ];
}
