/** Used out of total as a bar, with the numbers in words for assistive technology. */
export function CapacityBar({ label, used, total }: { label: string; used: number; total: number }) {
  const max = total > 0 ? total : Math.max(used, 1);
  return (
    <span class="capacity">
      <meter min={0} max={max} value={Math.min(used, max)} aria-label={label} />
      <span>
        {used} / {total < 0 ? '∞' : total}
      </span>
    </span>
  );
}
