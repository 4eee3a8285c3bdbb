// A browser for the tests of sign-ins through an upstream provider (Directory, Passkeys): GET
// without following redirects, with a cookie jar. Like a real browser, cookies are kept per path,
// not per port, so a jar follows the user from one gateway instance to another on 127.0.0.1.
export interface Visit {
  status: number;
  location: URL | null;
  body: string;
  setCookies: string[];
}

interface Cookie {
  value: string;
  path: string;
}

export class Browser {
  readonly jar = new Map<string, Cookie>();

  /** `headers` go with every request (a bench gives each browser its own X-Forwarded-For). */
  constructor(private readonly headers: Record<string, string> = {}) {}

  cookieHeader(url: URL): string {
    return [...this.jar.entries()]
      .filter(([, c]) => url.pathname === c.path || url.pathname.startsWith(c.path.endsWith('/') ? c.path : `${c.path}/`))
      .map(([name, c]) => `${name}=${c.value}`)
      .join('; ');
  }

  store(setCookies: string[]): void {
    for (const line of setCookies) {
      const [pair, ...attrs] = line.split(';').map((s) => s.trim());
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq);
      const value = pair!.slice(eq + 1);
      const path = attrs.find((a) => /^path=/i.test(a))?.slice(5) ?? '/';
      const expired = attrs.some((a) => /^expires=/i.test(a) && new Date(a.slice(8)).getTime() < Date.now()) || attrs.some((a) => /^max-age=0$/i.test(a));
      if (expired || value === '') this.jar.delete(name);
      else this.jar.set(name, { value, path });
    }
  }

  async visit(url: string | URL): Promise<Visit> {
    const u = new URL(url);
    const cookie = this.cookieHeader(u);
    const res = await fetch(u, { redirect: 'manual', headers: { ...this.headers, ...(cookie ? { cookie } : {}) } });
    const setCookies = res.headers.getSetCookie();
    this.store(setCookies);
    const location = res.headers.get('location');
    return { status: res.status, location: location === null ? null : new URL(location, u), body: await res.text(), setCookies };
  }
}
