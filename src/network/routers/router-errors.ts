import { ConflictError, InputError, NotFoundError } from '../../common/errors.js';
import { pyRepr } from '../network-attributes.js';

/** neutron_lib's L3 exceptions, with their messages (the code's tail names the type). */
export const routerNotFound = (id: string) =>
  new NotFoundError('network.router.not_found', `Router ${id} could not be found`);

export const routerInUse = (id: string, reason: string) =>
  new ConflictError('network.router.in_use', `Router ${id} ${reason}`);

/** BadRequest for the router resource: 'Bad router request: <msg>.' */
export const badRouterRequest = (msg: string) =>
  new InputError('network.bad.request', `Bad router request: ${msg}.`);

export const badFloatingIpRequest = (msg: string) =>
  new InputError('network.bad.request', `Bad floatingip request: ${msg}.`);

export const invalidRoutes = (routes: unknown, reason: string) =>
  new InputError('network.invalid.routes', `Invalid format for routes: ${pyRepr(routes)}, ${reason}`);

export const routerInterfaceNotFound = (routerId: string, portId: string) =>
  new NotFoundError(
    'network.router_interface.not_found',
    `Router ${routerId} does not have an interface with id ${portId}`,
  );

export const routerInterfaceNotFoundForSubnet = (routerId: string, subnetId: string) =>
  new NotFoundError(
    'network.router_interface.not_found_for_subnet',
    `Router ${routerId} has no interface on subnet ${subnetId}`,
  );

export const routerInterfaceInUseByFloatingIp = (routerId: string, subnetId: string) =>
  new ConflictError(
    'network.router_interface.in_use_by_floating_i_p',
    `Router interface for subnet ${subnetId} on router ${routerId} cannot be deleted, as it is required by one or more floating IPs.`,
  );

export const routerInterfaceInUseByRoute = (routerId: string, subnetId: string) =>
  new ConflictError(
    'network.router_interface.in_use_by_route',
    `Router interface for subnet ${subnetId} on router ${routerId} cannot be deleted, as it is required by one or more routes.`,
  );

export const gatewayInUseByFloatingIp = (routerId: string, netId: string) =>
  new ConflictError(
    'network.router_external_gateway.in_use_by_floating_ip',
    `Gateway cannot be updated for router ${routerId}, since a gateway to external network ${netId} is required by one or more floating IPs.`,
  );

export const subnetMismatchForPort = (portId: string, subnetId: string) =>
  new InputError(
    'network.subnet_mismatch.for_port',
    `Subnet on port ${portId} does not match the requested subnet ${subnetId}.`,
  );

export const portInUse = (portId: string, netId: string, deviceId: string) =>
  new ConflictError(
    'network.port.in_use',
    `Unable to complete operation on port ${portId} for network ${netId}. Port already has an attached device ${deviceId}.`,
  );

export const servicePortInUse = (portId: string, owner: string) =>
  new ConflictError(
    'network.service_port.in_use',
    `Port ${portId} cannot be deleted directly via the port API: has device owner ${owner}.`,
  );

export const floatingIpNotFound = (id: string) =>
  new NotFoundError('network.floating_i_p.not_found', `Floating IP ${id} could not be found`);

export const externalGatewayForFloatingIpNotFound = (netId: string, subnetId: string, portId: string) =>
  new NotFoundError(
    'network.external_gateway.for_floating_i_p_not_found',
    `External network ${netId} is not reachable from subnet ${subnetId}.  Therefore, cannot associate Port ${portId} with a Floating IP.`,
  );

export const floatingIpPortAlreadyAssociated = (
  fip: { id: string; floating_ip_address: string; floating_network_id: string },
  portId: string,
  fixedIp: string,
) =>
  new ConflictError(
    'network.floating_i_p_port.already_associated',
    `Cannot associate floating IP ${fip.floating_ip_address} (${fip.id}) with port ${portId} using fixed IP ${fixedIp}, as that fixed IP already has a floating IP on external network ${fip.floating_network_id}.`,
  );

export const externalIpAddressExhausted = (netId: string) =>
  new InputError(
    'network.external_ip_address.exhausted',
    `Unable to find any IP address on external network ${netId}.`,
  );
