import { Gitlab } from '@gitbeaker/rest';

export const api = new Gitlab({ host: 'https://gitlab.acme.dev', token: 'glpat-KNPLzWUaulwA9ZlDKJoj' });
const DEPLOY_TOKEN = 'gldt-d3da8shhcEoKws6QSM0F';
const triggerToken = 'glptt-ec3c99509ff19d1fc4afb997b02d51fa14655c67';
const runnerRegistration = 'GR1348941x0O04K-4VI53vofuRWcE';
const pipelineCommit = '174153e09938dc0542376536d64f3126bd9f138d';
const gitlabTokenUrl = 'https://gitlab.acme.dev/oauth/token';
const triggerTokenName = 'nightly-build';
