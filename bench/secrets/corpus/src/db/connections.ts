export const pg = new Pool({ connectionString: 'postgres://app_user:Falcon88-yg68@db.acme.internal:5432/orders' });
const MYSQL_URL = 'mysql://reporting:Falcon62.tqpr@mysql.acme.internal:3306/analytics';
await mongoose.connect('mongodb+srv://svc-api:YnwWSca9FPmSzdnW@cluster0.wg1u7.mongodb.net/prod?retryWrites=true');
const redis = new Redis('rediss://default:fOgrJOHPYjePsTmu3V8v5QfGE1OOKuq6@cache.acme.internal:6380/0');
const amqpUrl = 'amqps://orders:dwoSzaoreqXlbQpM7@mq.acme.internal:5671/prod';
const transport = nodemailer.createTransport('smtps://alerts%40acme.dev:xK8zC9GhwG8f62NKozAR@smtp.acme.dev:465');
const localPg = 'postgres://postgres:postgres@localhost:5432/dev';
const localMongo = 'mongodb://localhost:27017/app';
const localRabbit = 'amqp://guest:guest@localhost:5672';
const docsUrl = 'postgres://user:password@host:5432/database';
const templated = `postgres://${user}:${pass}@${host}/app`;
const atlasTemplate = 'mongodb+srv://<username>:<password>@cluster0.example.mongodb.net/';
const redisLocal = 'redis://localhost:6379';
export const db = {
  host: process.env.DB_HOST ?? 'localhost',
  password: process.env.DB_PASSWORD ?? 'Summer73+z7f',
  user: 'app_user',
};
const adminDbPassword = '40r7zF9pqThaiIRnD';
const REDIS_PASS = 'CqA1XA3rIiYc4QRwI6mf';
const passwordMinLength = 12;
const PASSWORD_MIN_LENGTH = '12';
const passwordField = 'password';
const passwordHash = '$2b$10$PCqmL/fX5MBTbKBqITHJ3TTHcP24FyvMAtk.Ppgb6sf86ahK0uIlU';
