const { Client, Environment } = require('square');
const braintree = require('braintree');

const square = new Client({
  accessToken: 'EAAADE8i6CbofHKsTxtJVjkn1fADK6Ubhlm8LazoEYeZclpRKxXr3ACwuZxIRv8H',
  environment: Environment.Production,
});
const SQUARE_APPLICATION_SECRET = 'sq0csp--k5I7LHqnIahCFHPAlWDGFLj7u0sFCxk4jpH8hSlFHY';
const sqLegacy = 'sq0atp-aJmhDijxIObaSpjL9T4T0o';

const gateway = new braintree.BraintreeGateway({ accessToken:
  'access_token$production$tqgui6u7mp3qq78k$63a0140f147d38778caf23bcbfc017c3' });
const paypal = {
  clientId: 'AcR7v06y5sFkR7hYZyNWOURvkFghPyPgF_FwVN3PYsye9btYiXgsyA3xd8kegzbfsn97_AM-vSZgBkp_',
  clientSecret: 'E9lZtBiNu-PTJGT32jQFvbS2cpuNBJkql3c0cL9o9I2dzl1dtwXFFrttl_hYg60HW_IE_Lj3MyaJl4tK',
};

const bt = new braintree.BraintreeGateway({
  merchantId: '2nux38y19hgmueoe',
  publicKey: '7q3kpajy842lop57',
  privateKey: '60378ae2087fc81b0aab7ea12ddb056f',
});
module.exports = { square, gateway, paypal, bt };
