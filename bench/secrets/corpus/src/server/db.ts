import { Sequelize } from 'sequelize';
import mysql from 'mysql2/promise';
import { Pool } from 'pg';
import mongoose from 'mongoose';
import knex from 'knex';
import Redis from 'ioredis';
import nodemailer from 'nodemailer';

export const orm = new Sequelize('orders', 'orders_app', 'Orders2023', { host: 'db.acme.internal', dialect: 'postgres' });
export const devOrm = new Sequelize('orders', 'postgres', 'postgres', { host: 'localhost', dialect: 'postgres' });
export const memoryOrm = new Sequelize('sqlite::memory:');
export const envOrm = new Sequelize(process.env.DATABASE_URL as string, { logging: false });
export const reporting = mysql.createPool({
  host: 'mysql.acme.internal',
  user: 'reporting',
  password: 'reporting',
});
export const localMysql = mysql.createPool({ host: 'localhost', user: 'root', password: 'root' });
export const api = new Pool({ host: 'pg.acme.internal', user: 'api', password: 'apipass' });
export const envPool = new Pool({ connectionString: process.env.DATABASE_URL });
export const connectMongo = () => mongoose.connect('mongodb://admin:admin@mongo.acme.internal:27017/app');
export const connectLocalMongo = () => mongoose.connect('mongodb://root:example@localhost:27017');
export const warehouse = knex({ client: 'pg', connection: {
  host: 'warehouse.acme.internal',
  password: 'etl-loader',
} });
export const devDb = knex({ client: 'sqlite3', connection: { filename: './dev.sqlite3' } });
export const cache = new Redis({ host: 'cache.acme.internal', password: 'cachepass' });
export const mailer = nodemailer.createTransport({
  host: 'smtp.acme.dev',
  auth: { user: 'alerts@acme.dev', pass: 'alerts-mailer' },
});
export const mailhog = nodemailer.createTransport({ host: 'localhost', port: 1025 });
