import jwt from 'jsonwebtoken';

export const JWT_SECRET = 'NptOQwf4sFe5pua^SWtrRqfJ22IitCPvkHo2E6xO9=!6BEV3';
const serviceRoleKey = 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzdXBhYmFzZSIsInJlZiI6ImtpZHR3Y3VrcmtpYXZsZGFocmdjIiwicm9sZSI6InNlcnZpY2Vfcm9sZSIsImlhdCI6MTcwMDAwMDAwMCwiZXhwIjoyMDE1NTc2MDAwfQ.mXygMGmiNaW7jCfRky1bkwusiLcf6cdk2ZLDT-v4y5J';
const anonKey = 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJpc3MiOiJzdXBhYmFzZSIsInJlZiI6InFmenJobnBqemd3emxnaWRldGZ5Iiwicm9sZSI6ImFub24iLCJpYXQiOjE3MDAwMDAwMDAsImV4cCI6MjAxNTU3NjAwMH0.b2F3oBG-lra2BwVS8FYZxq0JtUuE2igDAwAxIeAt11M';
const internalServiceToken = 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJzdmMtYmlsbGluZyIsInNjb3BlIjoiYWRtaW4iLCJpYXQiOjE3MTQwMDAwMDB9.MVLCd4AOgzZthk7sxr2hZcTroM95wzLZNsOAMNeE-x8';
const adminJwt = 'eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJ1c2VyXzA5NjM2MyIsInJvbGVzIjpbImFkbWluIl0sImlhdCI6MTcxNjAwMDAwMH0.vrr-UYQxXSbDHhaB2hAblD8Mv5SxQ69CykIHjS_NmYOr9Vxv3g787aSygw8_v1V4RacncKbiXLW6qn9bI8645JkHwjxfLPptkiTZW12rL18deqcWRWzuJBEAe_SYJnllFz0BZReomZjnJb9Jz8asgEjnM5DS-cbCzO2Ugh690VdyIP47iJiyZYJyXzNJOFJt27YkznUJcSanvHviCrDYznOjiPTlQzbjOZW1p8co4D61rXizg-HxDquVVN7DiI_9FuhpYIFIv8qrEuLvrfPS3hDyk1_eWdZXLM4GEtOrZr5hyhEU_6joSSTI8jHQPR88ERti_elEl0tOdrXLsYkjBQ';
const sampleFromDocs = 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c';
export const TOKEN_ISSUER = 'https://auth.acme.dev/';
export const tokenAudience = 'api://checkout';
const jwtAlgorithm = 'RS256';

export function sign(payload: object) {
  return jwt.sign(payload, process.env.JWT_SIGNING_KEY ?? '4ad5df9a33dc9fcfa1f88b10b035819764cf261abd4c413806760ca8b391fcb8');
}
export function verify(token: string, secret = process.env.JWT_SECRET) {
  return jwt.verify(token, secret!);
}
export const sessionOptions = {
  secret: '5ogHj?ruhy*AcYl!o+MndP7Z_iBuzyWU7fvQ!XXU',
  secretName: 'sid',
  secure: true,
};
export const devSession = { secret: 'keyboard cat' };
