import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { logout, projectsOf, scopeTo } from './api.js';
import { InstancesPage } from './pages/instances.js';
import { LoginPage } from './pages/login.js';
import type { Session } from './session.js';
import { clearSession, expired, loadSession, saveSession } from './session.js';

const unscopedKey = 'strata.unscoped';

/** Header: who is logged in, the project switcher, log out. */
function Shell({ session, onSession }: { session: Session; onSession: (s: Session | undefined) => void }) {
  const [projects, setProjects] = useState<Array<{ id: string; name: string }>>([session.project]);
  useEffect(() => {
    void projectsOf(session.token).then(setProjects, () => undefined);
  }, [session.token]);
  // A token that runs out ends the session: back to the login form, not a page of 401s.
  useEffect(() => {
    const timer = setInterval(() => expired(session) && onSession(undefined), 10_000);
    return () => clearInterval(timer);
  }, [session]);
  const switchTo = async (projectId: string) => {
    const unscoped = sessionStorage.getItem(unscopedKey) ?? session.token;
    onSession(await scopeTo(unscoped, projectId));
  };
  return (
    <>
      <header>
        <strong>Strata</strong>
        <label>
          Project{' '}
          <select
            value={session.project.id}
            onChange={(e) => void switchTo((e.target as HTMLSelectElement).value)}
          >
            {projects.map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
          </select>
        </label>
        <span>
          {session.user.name} ({session.user.domain})
        </span>
        <button
          type="button"
          onClick={() => {
            void logout(session);
            onSession(undefined);
          }}
        >
          Log out
        </button>
      </header>
      <main>
        <InstancesPage session={session} />
      </main>
    </>
  );
}

function App() {
  const [session, setSession] = useState<Session | undefined>(loadSession());
  const update = (s: Session | undefined) => {
    if (s === undefined) {
      clearSession();
      sessionStorage.removeItem(unscopedKey);
    } else saveSession(s);
    setSession(s);
  };
  if (session === undefined)
    return (
      <LoginPage
        onLogin={(s, unscoped) => {
          sessionStorage.setItem(unscopedKey, unscoped);
          update(s);
        }}
      />
    );
  return <Shell session={session} onSession={update} />;
}

render(<App />, document.getElementById('app')!);
