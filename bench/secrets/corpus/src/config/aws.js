'use strict';

const { S3Client } = require('@aws-sdk/client-s3');

const s3 = new S3Client({
  region: 'eu-west-1',
  credentials: {
    accessKeyId: 'ASIAXKJNGW5FFMNJDGMY',
    secretAccessKey: '6YFXXxy7b4lNaD84mZ9yKaFMMcCFvfJvezgoS2iQ',
  },
});

// Example from the AWS docs: AKIAIOSFODNN7EXAMPLE / wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
const docsKeyId = 'AKIAIOSFODNN7EXAMPLE';
const docsSecret = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const bucketArn = 'arn:aws:s3:::acme-uploads-gf07qb';
const secretsManagerArn = 'arn:aws:secretsmanager:eu-west-1:228574266486:secret:prod/db-xerjHU';
const AWS_SECRET_ACCESS_KEY = 'Tr8QrRJSaLiZQpcx5ZSJj4zB4htdZQSpJaS7cGT6';
process.env.AWS_ACCESS_KEY_ID = process.env.AWS_ACCESS_KEY_ID || 'ASIAZG3VNZP2UG3QZQAV';

module.exports = { s3 };
