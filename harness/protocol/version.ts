/** Kept equal to package.json's version (a unit test checks it); the agent reads no files to know it. */
export const AGENT_VERSION = '0.1.0';
/** The name of the virtio-serial port the QEMU target gives the agent. */
export const VIRTIO_PORT_NAME = 'afalg.agent';
