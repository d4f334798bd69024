/**
 * Test, fixture and example paths (rules may treat findings there differently). A module of its
 * own so that the scan can ask without loading the engine, which loads scope analysis.
 */
const TEST_PATH = /(^|\/)(test|tests|__tests__|__mocks__|spec|specs|fixtures?|examples?|e2e)(\/|$)|\.(test|spec)\.[cm]?[jt]sx?$/i;

export function isTestPath(rel: string): boolean {
  return TEST_PATH.test(rel);
}
