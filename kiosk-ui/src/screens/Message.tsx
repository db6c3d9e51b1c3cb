/** The outcome of an action, in words and with a symbol (never by colour alone); announced to screen readers. */
export function Message({ text, ok, testId }: { text: string | null; ok: boolean; testId: string }) {
  return (
    <p class={`message ${text ? (ok ? 'ok' : 'refused') : ''}`} role="status" aria-live="assertive" data-testid={testId}>
      {text ? (
        <>
          <span aria-hidden="true" class="symbol">
            {ok ? '✔ ' : '✖ '}
          </span>
          {text}
        </>
      ) : null}
    </p>
  );
}
