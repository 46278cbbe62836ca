// Two real OpenID Connect providers (oidc-provider 9) for the Rust integration
// tests: "fc" plays FranceConnect v2, "city" plays the city's agent IdP.
// Usage: node tests/oidc/provider.mjs
// Prints ONE JSON line on stdout once listening:
//   {"franceconnect":"http://127.0.0.1:P1","city":"http://127.0.0.1:P2","control":"http://127.0.0.1:P3"}
// then runs until SIGTERM/SIGINT, until its stdin pipe closes, or until its
// parent process dies. Control API: PUT /accounts/{fc|city}/{id} (JSON claims
// to merge) and PUT /accounts/{fc|city}/{id}/disabled (true|false) -> 204.

import { randomBytes, randomUUID } from 'node:crypto';
import { fstatSync } from 'node:fs';
import http from 'node:http';
import {
  CompactSign, decodeJwt, decodeProtectedHeader, exportJWK, generateKeyPair,
} from 'jose';
import Provider from 'oidc-provider';

// stdout carries exactly one line (the ports). oidc-provider prints its
// development notices with console.info, so send everything else to stderr.
console.log = console.info = (...args) => console.error(...args);

// Optional: lets a test whose API does not listen on localhost:3000 register
// its own callback base. Default matches the brief.
const RP = (process.env.OIDC_RP_BASE_URL || 'http://localhost:3000').replace(/\/$/, '');

const FC_ACR_VALUES = ['eidas1', 'eidas2', 'eidas3'];

// ---------- accounts (per provider, set by the control server) ----------

const accounts = {
  fc: {
    overrides: new Map(),
    disabled: new Set(),
    defaults: (id) => ({
      given_name: 'Angela Claire Louise',
      family_name: 'DUBOIS',
      birthdate: '1962-08-24',
      gender: 'female',
      email: `${id}@fc.exemple.fr`,
      preferred_username: '',
    }),
  },
  city: {
    overrides: new Map(),
    disabled: new Set(),
    defaults: (id) => ({
      name: `Agent ${id}`,
      given_name: 'Agent',
      family_name: id,
      preferred_username: id,
      email: `${id}@ville.exemple.fr`,
      email_verified: true,
      groups: [],
    }),
  },
};

function findAccountFor(which) {
  const store = accounts[which];
  return async (_ctx, id) => {
    if (store.disabled.has(id)) return undefined;
    return {
      accountId: id,
      // oidc-provider masks this with the granted scopes; `sub` is pinned to
      // the id so a control PUT cannot desynchronise it from the ID token.
      async claims() {
        return { ...store.defaults(id), ...store.overrides.get(id), sub: id };
      },
    };
  };
}

// ---------- configuration ----------

async function signingKey() {
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const jwk = {
    ...(await exportJWK(privateKey)), kid: randomUUID(), alg: 'RS256', use: 'sig',
  };
  return { privateKey, jwk };
}

function configuration(which, jwk) {
  const fc = which === 'fc';
  return {
    jwks: { keys: [jwk] },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
    clients: [fc ? {
      client_id: 'espace-familles',
      client_secret: 'fc-client-secret-for-tests-0123456789',
      // v9 accepts client_secret_basic AND client_secret_post for any client
      // registered with either of them (lib/shared/client_auth.js).
      token_endpoint_auth_method: 'client_secret_post',
      redirect_uris: [`${RP}/connexion/franceconnect`],
      post_logout_redirect_uris: [`${RP}/deconnexion`],
      grant_types: ['authorization_code'],
      response_types: ['code'],
      id_token_signed_response_alg: 'RS256',
      userinfo_signed_response_alg: 'RS256',
      // oidc-provider only puts `acr` in the ID token when it was requested;
      // this makes a request without acr_values behave as acr_values=eidas1.
      default_acr_values: ['eidas1'],
    } : {
      client_id: 'espace-familles-agents',
      client_secret: 'city-client-secret-for-tests-0123456789',
      token_endpoint_auth_method: 'client_secret_basic',
      redirect_uris: [`${RP}/connexion/agents`],
      post_logout_redirect_uris: [`${RP}/deconnexion`],
      grant_types: ['authorization_code'],
      response_types: ['code'],
      id_token_signed_response_alg: 'RS256',
    }],
    clientAuthMethods: ['client_secret_basic', 'client_secret_post'],
    responseTypes: ['code'],
    // Every key holding an array is also registered as a scope.
    scopes: ['openid'],
    claims: fc ? {
      openid: ['sub'],
      given_name: ['given_name'],
      family_name: ['family_name'],
      birthdate: ['birthdate'],
      email: ['email'],
      gender: ['gender'],
      preferred_username: ['preferred_username'],
    } : {
      openid: ['sub'],
      profile: ['name', 'given_name', 'family_name', 'preferred_username'],
      email: ['email', 'email_verified'],
      groups: ['groups'],
    },
    acrValues: fc ? FC_ACR_VALUES : [],
    findAccount: findAccountFor(which),
    interactions: { url: async (_ctx, interaction) => `/interaction/${interaction.uid}` },
    pkce: { required: () => false }, // S256 still verified when sent
    features: {
      devInteractions: { enabled: false },
      rpInitiatedLogout: { enabled: true },
      jwtUserinfo: { enabled: true }, // needed for userinfo_signed_response_alg
      claimsParameter: { enabled: false },
      introspection: { enabled: false },
      revocation: { enabled: false },
    },
    ttl: {
      AccessToken: 3600, AuthorizationCode: 120, IdToken: 3600, Interaction: 600, Session: 3600, Grant: 3600,
    },
    // Errors that cannot be redirected to the client (bad client_id,
    // unregistered redirect_uri, unknown interaction...) come back as JSON.
    async renderError(ctx, out) {
      ctx.type = 'json';
      ctx.body = out;
    },
  };
}

// ---------- middleware: cookie-free interactions, forged ID tokens ----------

function epoch() { return Math.floor(Date.now() / 1000); }

async function finishInteraction(provider, which, uid) {
  const interaction = await provider.Interaction.find(uid);
  if (!interaction) return false;
  const { params } = interaction;
  const accountId = params.login_hint;
  if (!accountId || accounts[which].disabled.has(accountId)) {
    interaction.result = { error: 'access_denied', error_description: accountId ? 'account disabled' : 'no login_hint' };
  } else {
    const grant = new provider.Grant({ accountId, clientId: params.client_id });
    if (params.scope) grant.addOIDCScope(params.scope);
    // claimsParameter is disabled, so there are never requested claims to
    // add with grant.addOIDCClaims().
    const login = { accountId };
    if (which === 'fc') {
      const asked = String(params.acr_values || '').split(' ').filter((v) => FC_ACR_VALUES.includes(v));
      login.acr = asked[0] || 'eidas1';
    }
    // Login and consent answered at once, so one interaction is enough.
    interaction.result = { login, consent: { grantId: await grant.save() } };
  }
  await interaction.persist();
  return interaction;
}

const FORGERIES = {
  'forge-tamper-': null, // handled apart: no re-signing
  'forge-expired-': () => ({ iat: epoch() - 7200, exp: epoch() - 3600 }),
  'forge-audience-': () => ({ aud: 'another-client' }),
  'forge-nonce-': () => ({ nonce: 'forged-nonce' }),
  'forge-issuer-': () => ({ iss: 'http://127.0.0.1:1' }),
  'forge-acr-': () => ({ acr: 'eidas0' }), // below the level asked
  'forge-none-': null, // handled apart: unsigned, alg "none"
};

async function forge(idToken, privateKey) {
  const payload = decodeJwt(idToken);
  const prefix = Object.keys(FORGERIES).find((p) => String(payload.sub).startsWith(p));
  if (!prefix) return idToken;
  if (prefix === 'forge-none-') {
    const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
    return `${header}.${idToken.split('.')[1]}.`;
  }
  if (prefix === 'forge-tamper-') {
    const [header, , signature] = idToken.split('.');
    const body = Buffer.from(JSON.stringify({ ...payload, sub: `${payload.sub}x` })).toString('base64url');
    return `${header}.${body}.${signature}`;
  }
  return new CompactSign(Buffer.from(JSON.stringify({ ...payload, ...FORGERIES[prefix]() })))
    .setProtectedHeader(decodeProtectedHeader(idToken)) // same alg and kid
    .sign(privateKey);
}

function install(provider, which, privateKey) {
  provider.use(async (ctx, next) => {
    // login_hint must always decide who signs in, even for a client that
    // keeps cookies: every authorization request starts without a session.
    if (ctx.path === '/auth') delete ctx.req.headers.cookie;

    const m = ctx.method === 'GET' && /^\/interaction\/([^/]+)$/.exec(ctx.path);
    if (m) {
      const interaction = await finishInteraction(provider, which, decodeURIComponent(m[1]));
      if (!interaction) {
        ctx.status = 400;
        ctx.body = { error: 'invalid_request', error_description: 'interaction not found or expired' };
        return;
      }
      // Resume inside this same request so the HTTP client needs no
      // cookies: route it to /auth/:uid with the signed resume cookie that
      // oidc-provider set on the /auth response, as a browser would send it.
      const name = provider.cookieName('resume');
      const sig = ctx.cookies.keys.sign(`${name}=${interaction.uid}`);
      ctx.req.headers.cookie = `${name}=${interaction.uid}; ${name}.sig=${sig}`;
      ctx.path = new URL(interaction.returnTo).pathname;
    }

    await next();

    if (ctx.method === 'POST' && ctx.path === '/token' && ctx.status === 200 && ctx.body) {
      const body = typeof ctx.body === 'string' ? JSON.parse(ctx.body) : ctx.body;
      // A provider that fails or refuses the code, for one account only (the
      // provider is shared by tests running at once).
      const sub = typeof body.id_token === 'string' ? String(decodeJwt(body.id_token).sub) : '';
      if (sub.startsWith('forge-outage-')) {
        ctx.status = 503;
        ctx.body = { error: 'temporarily_unavailable' };
        return;
      }
      if (sub.startsWith('forge-refuse-')) {
        ctx.status = 400;
        ctx.body = { error: 'invalid_grant', error_description: 'grant request is invalid' };
        return;
      }
      if (typeof body.id_token === 'string') {
        ctx.body = { ...body, id_token: await forge(body.id_token, privateKey) };
      }
    }
  });
}

// ---------- servers ----------

function listen(server) {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${server.address().port}`));
  });
}

async function startProvider(which) {
  // The issuer needs the port, the port needs a listening server: bind
  // first, plug the provider in afterwards.
  let handler = (_req, res) => { res.statusCode = 503; res.end(); };
  const server = http.createServer((req, res) => handler(req, res));
  const issuer = await listen(server);
  const { privateKey, jwk } = await signingKey();
  const provider = new Provider(issuer, configuration(which, jwk));
  install(provider, which, privateKey);
  provider.on('server_error', (_ctx, err) => console.error(`[${which}] server_error`, err));
  handler = provider.callback();
  return { server, issuer };
}

function readBody(req) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

async function control(req, res) {
  const reply = (status, body) => {
    res.writeHead(status, body ? { 'content-type': 'application/json' } : {});
    res.end(body ? JSON.stringify(body) : undefined);
  };
  const m = /^\/accounts\/(fc|city)\/([^/]+)(\/disabled)?$/.exec(new URL(req.url, 'http://x').pathname);
  if (req.method !== 'PUT' || !m) return reply(404, { error: 'not found' });
  let value;
  try {
    value = JSON.parse(await readBody(req));
  } catch {
    return reply(400, { error: 'body must be JSON' });
  }
  const store = accounts[m[1]];
  const id = decodeURIComponent(m[2]);
  if (m[3]) {
    if (typeof value !== 'boolean') return reply(400, { error: 'body must be true or false' });
    if (value) store.disabled.add(id); else store.disabled.delete(id);
  } else {
    if (!value || typeof value !== 'object' || Array.isArray(value)) return reply(400, { error: 'body must be a JSON object' });
    store.overrides.set(id, { ...store.overrides.get(id), ...value });
  }
  return reply(204);
}

const fc = await startProvider('fc');
const city = await startProvider('city');
const controlServer = http.createServer((req, res) => {
  control(req, res).catch((err) => { console.error(err); res.statusCode = 500; res.end(); });
});
const controlUrl = await listen(controlServer);

// ---------- lifetime ----------

function shutdown() {
  for (const s of [fc.server, city.server, controlServer]) s.closeAllConnections?.();
  process.exit(0);
}
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
// A test process that dies closes our stdin pipe. Only watch stdin when it
// is a pipe: /dev/null or a terminal would end (or never end) for other reasons.
if (fstatSync(0).isFIFO() || fstatSync(0).isSocket()) {
  process.stdin.on('end', shutdown);
  process.stdin.on('error', shutdown);
  process.stdin.resume();
}
// Backstop when stdin is not a pipe: re-parented means the parent died.
const parent = process.ppid;
setInterval(() => { if (process.ppid !== parent) shutdown(); }, 1000).unref();

// Handlers are in place before the ports are announced.
process.stdout.write(`${JSON.stringify({ franceconnect: fc.issuer, city: city.issuer, control: controlUrl })}\n`);
