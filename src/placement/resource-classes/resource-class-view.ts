/** Placement's resource class JSON: its name and a self link relative to the service root. */
export function resourceClassView(name: string, root: string) {
  return { name, links: [{ rel: 'self', href: `${root}/resource_classes/${name}` }] };
}
