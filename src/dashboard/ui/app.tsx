import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { logout, projectsOf, scopeTo } from './api.js';
import { catalogPages } from './pages/catalog-pages.js';
import { ImagesPage } from './pages/images.js';
import { InstanceDetailPage } from './pages/instance-detail.js';
import { InstanceWizardPage } from './pages/instance-wizard.js';
import { InstancesPage } from './pages/instances.js';
import { KeypairsPage } from './pages/keypairs.js';
import { OverviewPage } from './pages/overview.js';
import { useRoute } from './router.js';
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
    <div class="shell">
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
      <Navigation session={session} />
      <main>
        <Page session={session} />
      </main>
    </div>
  );
}

const ownPages = [
  { route: 'overview', title: 'Overview' },
  { route: 'instances', title: 'Instances' },
  { route: 'images', title: 'Images' },
  { route: 'keypairs', title: 'Key pairs' },
];

/** The pages this session may see: the catalog and the token's roles decide, nothing is hard-coded. */
function Navigation({ session }: { session: Session }) {
  const [current] = useRoute();
  const pages = [...ownPages, ...catalogPages.filter((p) => p.when(session))];
  return (
    <nav aria-label="Sections" class="sidebar">
      <ul>
        {pages.map((p) => (
          <li key={p.route}>
            <a href={`#/${p.route}`} aria-current={(current ?? 'instances') === p.route ? 'page' : undefined}>
              {p.title}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}

function Page({ session }: { session: Session }) {
  const [page = 'instances', id] = useRoute();
  if (page === 'instances' && id === 'new') return <InstanceWizardPage session={session} />;
  if (page === 'instances' && id !== undefined) return <InstanceDetailPage session={session} serverId={id} />;
  if (page === 'overview') return <OverviewPage session={session} />;
  if (page === 'images') return <ImagesPage session={session} />;
  if (page === 'keypairs') return <KeypairsPage session={session} />;
  const spec = catalogPages.find((p) => p.route === page && p.when(session));
  return spec === undefined ? <InstancesPage session={session} /> : <>{spec.render(session)}</>;
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
