import { LocalAccounts, userIdOf } from '../../../local/oidc/local-accounts';
import { escapeHtml, signInPage } from '../../../local/oidc/sign-in-page';

describe('Class: LocalAccounts', () => {
  it('makes the user id of a name from its safe characters and remembers the name', () => {
    // Prepare
    const accounts = new LocalAccounts();

    // Act
    const id = accounts.signIn('  Ann Lee! ');

    // Assess
    expect(id).toBe('AnnLee');
    expect(accounts.nameOf('AnnLee')).toBe('Ann Lee!');
    expect(accounts.nameOf('stranger')).toBe('stranger');
  });

  it('refuses a name with no usable character, and cuts long ones to 64', () => {
    expect(new LocalAccounts().signIn('   !!! ')).toBeUndefined();
    expect(userIdOf('x'.repeat(100))).toHaveLength(64);
  });
});

describe('Function: signInPage', () => {
  it('never lets a name or an error become markup', () => {
    // Act
    const html = signInPage({
      action: '/oidc/interaction/abc/login',
      client: 'chat-page',
      error: '<b>bad</b>',
      name: '"><script>alert(1)</script>',
    });

    // Assess
    expect(html).not.toContain('<script>alert');
    expect(html).toContain(escapeHtml('"><script>alert(1)</script>'));
    expect(html).toContain('&lt;b&gt;bad&lt;/b&gt;');
    expect(html).toContain('action="/oidc/interaction/abc/login"');
  });
});
