/** `yocto:PATH` and `buildroot:PATH`: which resolver reads a user's image. */
import { BadInputError } from '../harness/core/errors.js';
import { resolveBuildrootImages } from './buildroot/output-images.js';
import { resolveYoctoDeploy } from './yocto/deploy-dir.js';
import type { ResolveOptions, UserImageBoot } from './user-image.js';

const RESOLVERS: Record<string, (target: string, options?: ResolveOptions) => UserImageBoot> = {
  yocto: resolveYoctoDeploy,
  buildroot: resolveBuildrootImages,
};

/** Whether a --board value names a user's image rather than a board file. */
export function isUserImageSpec(spec: string): boolean {
  return /^(yocto|buildroot):/.test(spec);
}

export function resolveUserImage(spec: string, options: ResolveOptions = {}): UserImageBoot {
  const colon = spec.indexOf(':');
  const resolver = colon > 0 ? RESOLVERS[spec.slice(0, colon)] : undefined;
  const target = spec.slice(colon + 1);
  if (!resolver || target === '') throw new BadInputError(`${spec}: an image is named yocto:DEPLOY_DIR, yocto:FILE.qemuboot.conf or buildroot:OUTPUT_IMAGES_DIR`);
  return resolver(target, options);
}
