/** `lambench demo` and `run` on the local stack: the user's AWS settings that would lead elsewhere are dropped, the stack's set. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { useLocalStackEnvironment } from '../../../src/cli/awsEnvironment.js';

describe('useLocalStackEnvironment', () => {
  it('drops the profile, the all-services endpoint and the session token, sets the stack\'s variables over the user\'s, keeps the rest', () => {
    // Prepare
    const env: NodeJS.ProcessEnv = {
      AWS_PROFILE: 'prod',
      AWS_DEFAULT_PROFILE: 'prod',
      AWS_ENDPOINT_URL: 'https://elsewhere.example',
      AWS_SESSION_TOKEN: 'token',
      AWS_ACCESS_KEY_ID: 'AKIAUSER',
      AWS_REGION: 'us-east-1',
      PATH: '/usr/bin',
    };
    const stackEnv = { AWS_ENDPOINT_URL_LAMBDA: 'http://127.0.0.1:1', AWS_REGION: 'eu-west-1', AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' };
    // Act
    useLocalStackEnvironment(stackEnv, env);
    // Assess
    assert.deepEqual(env, { PATH: '/usr/bin', AWS_ENDPOINT_URL_LAMBDA: 'http://127.0.0.1:1', AWS_REGION: 'eu-west-1', AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' });
  });
});
