/** A failed command's message, announced at once; nothing when there is none. */
export function ErrorNotice({ message }: { message: string | null }) {
  if (!message) return null;
  return (
    <p className="notice notice-danger" role="alert">
      {message}
    </p>
  );
}
