/** The `name` field of the sign-in form. */
export const NAME_FIELD = 'name';

const ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** `text` safe inside HTML text and double-quoted attributes. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ESCAPES[char] ?? char);
}

/**
 * A page of the local issuer: `title`, then `body` (already HTML). No script, no external
 * resources.
 *
 * @example
 * issuerPage('Signed out', '<p>You can close this page.</p>');
 */
export function issuerPage(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>${escapeHtml(title)} · apigw-chat local sign-in</title>
    <style>
      body { font: 16px/1.4 system-ui, sans-serif; max-width: 22rem; margin: 3rem auto; padding: 0 1rem; }
      label, input, button { display: block; width: 100%; box-sizing: border-box; }
      input, button { font: inherit; padding: 0.5rem; margin: 0.25rem 0 0.75rem; }
      .hint { color: #555; font-size: 0.875rem; }
      .error { color: #b00020; }
    </style>
  </head>
  <body>
    <h1>${escapeHtml(title)}</h1>
    ${body}
  </body>
</html>`;
}

/**
 * The sign-in page of the local issuer: pick a name, no password (anyone who reaches the
 * loopback port may be anyone: it stands in for Cognito's hosted pages, it proves nothing).
 *
 * @example
 * signInPage({ action: '/oidc/interaction/abc/login', client: 'chat-page' });
 */
export function signInPage(options: {
  readonly action: string;
  readonly client: string;
  readonly error?: string;
  readonly name?: string;
}): string {
  const error = options.error
    ? `<p class="error" role="alert">${escapeHtml(options.error)}</p>`
    : '';
  return issuerPage(
    'Sign in',
    `<p class="hint">Local issuer of <code>npm start</code>: pick any name to sign in to ${escapeHtml(options.client)}.</p>
    ${error}
    <form method="post" action="${escapeHtml(options.action)}">
      <label for="${NAME_FIELD}">Name</label>
      <input id="${NAME_FIELD}" name="${NAME_FIELD}" required maxlength="64" autocomplete="nickname" autofocus value="${escapeHtml(options.name ?? '')}" />
      <button type="submit">Sign in</button>
    </form>`,
  );
}
