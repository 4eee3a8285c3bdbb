/**
 * Pages the seeds name outside any spec: the Directory's final page for native-client logins
 * (seed 001, `onauthenticationdone` redirects here).
 */
import express, { type Router } from 'express';

const AUTHENTICATION_DONE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Authentication complete</title></head>
<body><h1>Authentication complete</h1><p>You can close this window and return to the application.</p></body></html>`;

export function staticPagesRouter(): Router {
  const router = express.Router();
  router.get('/directory/api/static/onauthenticationdone.html', (_req, res) => {
    res.type('html').send(AUTHENTICATION_DONE);
  });
  return router;
}
