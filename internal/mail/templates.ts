/**
 * The mails Fleet sends, as pure functions of their inputs: `{subject, text, html}`.
 * `baseUrl` is `kolide_server_url` + `server.url_prefix` (no trailing slash). Every
 * interpolated value is HTML-escaped in the HTML part; URL parts are percent-encoded.
 */
export interface MailContent {
  subject: string;
  text: string;
  html: string;
}

export function escapeHtml(s: string): string {
  return s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

function page(title: string, paragraphs: string[], link?: { href: string; label: string }): string {
  const body = paragraphs.map((p) => `<p>${p}</p>`).join('\n');
  const button = link ? `\n<p><a href="${escapeHtml(link.href)}">${escapeHtml(link.label)}</a></p>\n<p>${escapeHtml(link.href)}</p>` : '';
  return `<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>
<body style="font-family: sans-serif;">
<h2>${escapeHtml(title)}</h2>
${body}${button}
</body></html>
`;
}

export interface InviteMailInput {
  baseUrl: string;
  token: string;
  /** Invitee's name (may be empty) and email, carried in the link so the form is pre-filled. */
  name: string;
  email: string;
  /** SSO invites link to the SSO sign-up page. */
  sso: boolean;
  invitedByName: string;
  orgName: string;
}

export function inviteLink(i: Pick<InviteMailInput, 'baseUrl' | 'token' | 'name' | 'email' | 'sso'>): string {
  const path = i.sso ? 'ssoinvites' : 'invites';
  const query = new URLSearchParams({ name: i.name, email: i.email }).toString();
  return `${i.baseUrl}/login/${path}/${encodeURIComponent(i.token)}?${query}`;
}

export function inviteMail(i: InviteMailInput): MailContent {
  const url = inviteLink(i);
  const org = i.orgName || 'Fleet';
  const who = i.invitedByName || 'An administrator';
  return {
    subject: 'You are Invited to Fleet',
    text:
      `${who} invited you to join ${org} on Fleet.\n\n` +
      `Accept the invitation and create your account here:\n${url}\n\n` +
      `If you did not expect this invitation you can ignore this mail.\n`,
    html: page(
      'You are Invited to Fleet',
      [`${escapeHtml(who)} invited you to join ${escapeHtml(org)} on Fleet.`, 'Accept the invitation and create your account:'],
      { href: url, label: 'Join Fleet' },
    ),
  };
}

export function passwordResetLink(baseUrl: string, token: string): string {
  return `${baseUrl}/login/reset?token=${encodeURIComponent(token)}`;
}

export function passwordResetMail(i: { baseUrl: string; token: string; validHours: number }): MailContent {
  const url = passwordResetLink(i.baseUrl, i.token);
  return {
    subject: 'Reset Your Fleet Password',
    text:
      `Someone requested a reset of your Fleet password.\n\n` +
      `Choose a new password here (the link is valid for ${i.validHours} hours):\n${url}\n\n` +
      `If you did not ask for this you can ignore this mail; your password stays unchanged.\n`,
    html: page(
      'Reset Your Fleet Password',
      [
        'Someone requested a reset of your Fleet password.',
        `Choose a new password with the link below (valid for ${escapeHtml(String(i.validHours))} hours).`,
        'If you did not ask for this you can ignore this mail; your password stays unchanged.',
      ],
      { href: url, label: 'Reset password' },
    ),
  };
}

export function emailChangeLink(baseUrl: string, token: string): string {
  return `${baseUrl}/email/change/${encodeURIComponent(token)}`;
}

export function emailChangeMail(i: { baseUrl: string; token: string; newEmail: string }): MailContent {
  const url = emailChangeLink(i.baseUrl, i.token);
  return {
    subject: 'Confirm Fleet Email Change',
    text:
      `Your Fleet account's email address is being changed to ${i.newEmail}.\n\n` +
      `Confirm the change here (you need to be logged in):\n${url}\n\n` +
      `If you did not ask for this, do not follow the link.\n`,
    html: page(
      'Confirm Fleet Email Change',
      [
        `Your Fleet account's email address is being changed to ${escapeHtml(i.newEmail)}.`,
        'Confirm the change with the link below (you need to be logged in).',
        'If you did not ask for this, do not follow the link.',
      ],
      { href: url, label: 'Confirm email change' },
    ),
  };
}

/** The SMTP test mail sent when an admin enables SMTP in the app config. */
export function smtpTestMail(): MailContent {
  return {
    subject: 'Hello from Fleet',
    text: 'If you are reading this, your Fleet server can send mail.\n',
    html: page('Hello from Fleet', ['If you are reading this, your Fleet server can send mail.']),
  };
}
