import type { DemoNode } from './demo-network';
import { bearer, apiKey, callApi, expectApi } from './http';
import type { SandboxState } from './sandbox-state';

export interface OnboardingTarget {
  axisUrl: string;
  nodes: { node: DemoNode; url: string }[];
}

/**
 * Brings every demo agency to "registered at the axis, hosted on its node, with a working API key",
 * through the same APIs an operator uses (README: onboarding an agency). Each step looks first, so
 * a restart does nothing, and a run interrupted half-way (or a database deleted under a kept
 * state file) is completed rather than repeated. New API keys go into `state` and are saved at once.
 */
export async function onboardDemoAgencies(
  target: OnboardingTarget,
  state: SandboxState,
  save: (state: SandboxState) => void,
  log: (line: string) => void = () => undefined,
): Promise<void> {
  const operator = bearer(state.operatorToken);
  const admin = bearer(state.adminToken);
  for (const { node, url } of target.nodes) {
    const hosted = await expectApi<{ code: string }[]>(
      `list the agencies of ${node.id}`,
      [200],
      callApi('GET', `${url}/api/v1/admin/agencies`, { headers: admin }),
    );
    for (const agency of node.agencies) {
      if (!hosted.body.some((h) => h.code === agency.code)) {
        const token = await enrollmentToken(target.axisUrl, operator, agency);
        await expectApi(
          `host ${agency.code} on ${node.id}`,
          [201],
          callApi('POST', `${url}/api/v1/admin/agencies`, {
            headers: admin,
            json: { code: agency.code, enrollmentToken: token },
          }),
        );
        log(
          `onboarded ${agency.code} ${agency.name} on ${node.id} (key made, certificate issued by the axis)`,
        );
      }
      const known = state.apiKeys[agency.code];
      if (known === undefined || !(await keyWorks(url, known))) {
        const created = await expectApi<{ key: string }>(
          `make an API key for ${agency.code}`,
          [201],
          callApi('POST', `${url}/api/v1/admin/api-keys`, {
            headers: admin,
            json: { name: `demo software of ${agency.name}`, agencies: [agency.code] },
          }),
        );
        state.apiKeys[agency.code] = created.body.key;
        save(state);
      }
    }
  }
}

/** Registers the agency (201 with a token), or asks a fresh token for one the axis already knows. */
async function enrollmentToken(
  axisUrl: string,
  operator: Record<string, string>,
  agency: { code: string; name: string },
): Promise<string> {
  const registered = await callApi<{ enrollmentToken: string }>('POST', `${axisUrl}/api/v1/agencies`, {
    headers: operator,
    json: { code: agency.code, name: agency.name },
  });
  if (registered.status === 201) return registered.body.enrollmentToken;
  if (registered.status !== 409) {
    throw new Error(
      `register ${agency.code} at the axis: HTTP ${registered.status} ${registered.text.slice(0, 300)}`,
    );
  }
  const again = await expectApi<{ enrollmentToken: string }>(
    `new enrollment token for ${agency.code}`,
    [201],
    callApi('POST', `${axisUrl}/api/v1/agencies/${agency.code}/enrollments`, { headers: operator }),
  );
  return again.body.enrollmentToken;
}

async function keyWorks(nodeUrl: string, key: string): Promise<boolean> {
  const r = await callApi('GET', `${nodeUrl}/api/v1/inbox?limit=1`, { headers: apiKey(key) });
  if (r.status === 200) return true;
  if (r.status === 401 || r.status === 403) return false;
  throw new Error(`check an API key on ${nodeUrl}: HTTP ${r.status} ${r.text.slice(0, 300)}`);
}
