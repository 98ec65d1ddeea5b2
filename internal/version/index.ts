export { versionInfo, type VersionInfo } from './version-info';
