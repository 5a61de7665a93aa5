import type { AuthSession } from './auth-session';

/** The sign-in elements of index.html. */
interface SignInElements {
  readonly account: HTMLElement;
  readonly signIn: HTMLButtonElement;
  readonly signOut: HTMLButtonElement;
}

/**
 * The page's sign-in controls: "Signed in as <name>" with Sign out, or Sign in. While signed
 * in, the Name box shows the token's name and cannot be edited (the server names the user
 * from the token). Connect, pressed while signed out, signs in first.
 *
 * @example
 * showSignIn(document, session, ui.name, ui.sessionForm);
 */
export function showSignIn(
  doc: Document,
  session: AuthSession,
  nameBox: HTMLInputElement,
  sessionForm: HTMLFormElement,
): void {
  const ui = findSignInElements(doc);
  const render = (): void => {
    const { user } = session;
    ui.account.textContent = user ? `Signed in as ${user.name}` : 'Not signed in';
    ui.signIn.hidden = user !== undefined;
    ui.signOut.hidden = user === undefined;
    nameBox.readOnly = user !== undefined;
    if (user) nameBox.value = user.name;
  };
  ui.signIn.addEventListener('click', () => void session.signIn());
  ui.signOut.addEventListener('click', () => void session.signOut());
  // Registered before the chat page's own handler, which it then skips.
  sessionForm.addEventListener('submit', (event) => {
    if (session.user) return;
    event.preventDefault();
    event.stopImmediatePropagation();
    void session.signIn();
  });
  session.onChange(render);
  render();
}

function findSignInElements(doc: Document): SignInElements {
  const account = doc.getElementById('account');
  const signIn = doc.getElementById('sign-in');
  const signOut = doc.getElementById('sign-out');
  if (
    !(account instanceof HTMLElement) ||
    !(signIn instanceof HTMLButtonElement) ||
    !(signOut instanceof HTMLButtonElement)
  ) {
    throw new Error('index.html has no #account, #sign-in and #sign-out');
  }
  return { account, signIn, signOut };
}
