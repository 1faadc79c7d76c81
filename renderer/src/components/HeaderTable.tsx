/** HTTP headers as a two-column table (exchanges in the transcript, API responses). */
export function HeaderTable({ headers }: { headers: Record<string, string> }) {
  return (
    <table>
      <tbody>
        {Object.entries(headers).map(([k, v]) => (
          <tr key={k}>
            <td className="mono" style={{ width: 180 }}>
              {k}
            </td>
            <td className="mono">{v}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
