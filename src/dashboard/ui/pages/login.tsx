import { useState } from 'preact/hooks';
import { ApiError, login, projectsOf, scopeTo } from '../api.js';
import type { Session } from '../session.js';

/** Domain, user and password; then the first project the user may enter. */
export function LoginPage({ onLogin }: { onLogin: (s: Session, unscoped: string) => void }) {
  const [domain, setDomain] = useState('Default');
  const [user, setUser] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const unscoped = await login(domain, user, password);
      const projects = await projectsOf(unscoped);
      const first = projects[0];
      if (first === undefined) throw new ApiError(403, 'You have no role on any project.');
      onLogin(await scopeTo(unscoped, first.id), unscoped);
    } catch (err) {
      setError(err instanceof ApiError ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="login" onSubmit={(e) => void submit(e)} aria-labelledby="login-title">
      <h1 id="login-title">Strata</h1>
      <label>
        Domain
        <input
          name="domain"
          value={domain}
          onInput={(e) => setDomain((e.target as HTMLInputElement).value)}
        />
      </label>
      <label>
        User name
        <input
          name="username"
          autocomplete="username"
          value={user}
          onInput={(e) => setUser((e.target as HTMLInputElement).value)}
        />
      </label>
      <label>
        Password
        <input
          name="password"
          type="password"
          autocomplete="current-password"
          value={password}
          onInput={(e) => setPassword((e.target as HTMLInputElement).value)}
        />
      </label>
      {error !== undefined && (
        <p role="alert" class="error">
          {error}
        </p>
      )}
      <button type="submit" disabled={busy}>
        Log in
      </button>
    </form>
  );
}
