import { BlobServiceClient } from '@azure/storage-blob';

const conn = 'DefaultEndpointsProtocol=https;AccountName=acmeprodybrp;AccountKey=89rBPOMKBFvvCRgL2JSlu5Wam0wl5PPk+eWmhqtdxZzFRW3+yWOK2jHgp4373MPa6x3aEpTmhmM03XdiOsYMzo==;EndpointSuffix=core.windows.net';
export const blobs = BlobServiceClient.fromConnectionString(conn);
const devConn = 'DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=http://127.0.0.1:10000/devstoreaccount1;';
const sasUrl = 'https://acmeprod.blob.core.windows.net/uploads?sv=2022-11-02&ss=b&srt=sco&sp=rwdlac&se=2026-01-01T00:00:00Z&st=2024-01-01T00:00:00Z&spr=https&sig=slzRl4ehZ4Js0z3PMCQvUcTlGIeiWpClfYYaIluWOS6%3D';
const busConn = 'Endpoint=sb://acme-bus.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=tAqljxjFSD3fY+nuLLawnTxPFhh30uKhWVB30PdGWJ0=';
const AZURE_CLIENT_SECRET = '1WM9Q~v0hSXUP7.U9_KiP-xIF4HgrK5MTA1j4zOb';
const AZURE_TENANT_ID = '35a4598d-5090-4404-9e1a-a62a4efd1ae2';
const AZURE_CLIENT_ID = 'a36d3728-b25d-4405-a437-9b007ae5c45c';
const subscriptionId = 'd31371ac-7532-4f22-9ca0-56b17664410b';
const keyVaultSecretName = 'db-password';
