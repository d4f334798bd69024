import { Octokit } from '@octokit/rest';

const octokit = new Octokit({ auth: 'ghp_nN6tApXwgQOjFRigvtXfO5rHSbHbHL6TYU3r' });
export const GITHUB_TOKEN = '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';

export const oauth = {
  clientId: 'Iv1.06800d4bcffdf8a3',
  clientSecret: 'e5ab302ced95bad7490f8f1a2dc24ae08eb0c640',
  accessToken: 'gho_E3XHW91nOph40Xz7jL3mBBrCHiLVL2kaZZSp',
  refreshToken: 'ghr_srKdMfkGXE0uCPGw52ipWML11tSfPXtgUnl128LtyBBNfnzQ5m5ykMBc3rBQ0VqRaDWSfR0Nrazz',
  tokenUrl: 'https://github.com/login/oauth/access_token',
  authorizeUrl: 'https://github.com/login/oauth/authorize',
};

const installationToken: string = 'ghs_bd8Uyv5cDBhP5lwDh7OM1aVaGB2Pcatrt4nT';
const userToServer = 'ghu_uEeemmkOSIHjggpbkMggc23yx8tn1Bg4WlSa';
const headSha = 'c9da707fa8d3ec846c6b1effa74bb7f274bdef98';
const baseCommit = '98d240167bde1412c80389cd7cf11afafea8c30a';
export const TOKEN_EXPIRY = '3600';
const tokenType = 'bearer';

export async function listRepos() {
  return octokit.repos.listForAuthenticatedUser({ headers: { authorization: `token ${installationToken}` } });
}
