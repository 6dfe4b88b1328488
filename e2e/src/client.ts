// One dockerode client per process, pointed where the docker CLI would point: DOCKER_HOST or the default socket.
import Docker from 'dockerode';

let client: Docker | undefined;

/** The Docker client connected to the engine under test. */
export function docker(): Docker {
  client ??= new Docker();
  return client;
}

/** True when the engine answers a ping within `timeoutMs`. */
export async function engineAnswers(timeoutMs = 3_000): Promise<boolean> {
  const ping = docker().ping().then(
    () => true,
    () => false,
  );
  const timeout = new Promise<boolean>((resolve) => setTimeout(resolve, timeoutMs, false).unref());
  return Promise.race([ping, timeout]);
}
