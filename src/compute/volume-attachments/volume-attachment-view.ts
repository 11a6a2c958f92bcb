/** A volume attachment as Nova shows it up to 2.69: the id is the volume's id. */
export function volumeAttachmentView(a: {
  readonly volumeId: string;
  readonly serverId: string;
  readonly device: string;
}) {
  return { id: a.volumeId, serverId: a.serverId, volumeId: a.volumeId, device: a.device };
}
