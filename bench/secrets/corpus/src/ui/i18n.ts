export const en = {
  password: 'Password',
  passwordHint: 'At least 12 characters, one number and one symbol',
  token: 'Your session has expired. Please sign in again.',
  secret: 'Keep this secret safe',
  apiKey: 'API key',
  apiKeyCreated: 'Your new API key was created',
  forgotPassword: 'Forgot your password?',
  confirmPassword: 'Confirm password',
  accessToken: 'Access token',
  clientSecret: 'Client secret (shown once)',
};
export const de = {
  password: 'Passwort',
  token: 'Sitzung abgelaufen',
  secret: 'Geheimnis',
  apiKey: 'API-Schlüssel',
};
export const keys = {
  passwordError: 'auth.errors.password_too_short',
  token: 'auth.token.expired',
  secret: 'settings.secret.title',
};
