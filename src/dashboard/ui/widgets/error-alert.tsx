/** An API failure in the service's own words, announced to screen readers. */
export function ErrorAlert({ error }: { error: string | undefined }) {
  if (error === undefined) return null;
  return (
    <p role="alert" class="error">
      {error}
    </p>
  );
}
