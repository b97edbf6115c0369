using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ChatCompliance.Benchmarks;

/// <summary>
/// HTTP/1.1 on raw keep-alive sockets for the load runs, as wrk or bombardier do: the load generator and the fake
/// connector cost a fraction of HttpClient and Kestrel, so more of the two shared cores measure the bot. Only what the
/// runs need: requests with a body, responses read by Content-Length or chunked encoding, no pipelining, no TLS.
/// </summary>
internal static class RawHttp
{
    /// <summary>A complete POST request: head and body in one buffer, sent with one write.</summary>
    public static byte[] Post(int port, string path, string contentType, string body, params (string Name, string Value)[] headers)
    {
        var content = Encoding.UTF8.GetBytes(body);
        var head = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: {contentType}\r\nContent-Length: {content.Length}\r\n");
        foreach (var (name, value) in headers)
        {
            head.Append(CultureInfo.InvariantCulture, $"{name}: {value}\r\n");
        }

        var bytes = Encoding.ASCII.GetBytes(head.Append("\r\n").ToString());
        return [.. bytes, .. content];
    }

    /// <summary>The status code of a response head ("HTTP/1.1 200 OK …").</summary>
    public static int Status(string head) => int.Parse(head.AsSpan(9, 3), CultureInfo.InvariantCulture);

    /// <summary>A keep-alive client connection to 127.0.0.1:<paramref name="port"/>.</summary>
    public static async Task<(Socket Socket, MessageReader Reader)> ConnectAsync(int port)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port));
        return (socket, new MessageReader(socket));
    }

    /// <summary>Reads HTTP/1.1 messages (requests or responses) one after another from a socket.</summary>
    internal sealed class MessageReader(Socket socket)
    {
        private readonly byte[] _buffer = new byte[256 * 1024];
        private int _start;
        private int _end;

        /// <summary>The next message's head (start line and headers); its body is read and skipped.</summary>
        public async ValueTask<string> ReadAsync(CancellationToken cancellationToken = default)
        {
            int headEnd;
            while ((headEnd = IndexOf("\r\n\r\n"u8)) < 0)
            {
                await FillAsync(cancellationToken);
            }

            var head = Encoding.ASCII.GetString(_buffer, _start, headEnd - _start);
            _start = headEnd + 4;
            if (Header(head, "content-length") is { } length)
            {
                await SkipAsync(int.Parse(length, CultureInfo.InvariantCulture), cancellationToken);
            }
            else if (Header(head, "transfer-encoding")?.Contains("chunked", StringComparison.OrdinalIgnoreCase) == true)
            {
                while (true)
                {
                    int lineEnd;
                    while ((lineEnd = IndexOf("\r\n"u8)) < 0)
                    {
                        await FillAsync(cancellationToken);
                    }

                    var size = int.Parse(Encoding.ASCII.GetString(_buffer, _start, lineEnd - _start).Split(';')[0].Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
                    _start = lineEnd + 2;
                    await SkipAsync(size + 2, cancellationToken); // the chunk and its CRLF; the last (empty) chunk ends the body
                    if (size == 0)
                    {
                        break;
                    }
                }
            }

            return head;
        }

        private static string? Header(string head, string name)
        {
            foreach (var line in head.Split("\r\n"))
            {
                var colon = line.IndexOf(':', StringComparison.Ordinal);
                if (colon > 0 && line.AsSpan(0, colon).Trim().Equals(name, StringComparison.OrdinalIgnoreCase))
                {
                    return line[(colon + 1)..].Trim();
                }
            }

            return null;
        }

        private int IndexOf(ReadOnlySpan<byte> value)
        {
            var at = _buffer.AsSpan(_start, _end - _start).IndexOf(value);
            return at < 0 ? -1 : _start + at;
        }

        private async ValueTask SkipAsync(int count, CancellationToken cancellationToken)
        {
            while (_end - _start < count)
            {
                count -= _end - _start;
                _start = _end;
                await FillAsync(cancellationToken);
            }

            _start += count;
        }

        private async ValueTask FillAsync(CancellationToken cancellationToken)
        {
            if (_start > 0)
            {
                Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
                _end -= _start;
                _start = 0;
            }

            if (_end == _buffer.Length)
            {
                throw new InvalidDataException("HTTP message head larger than the buffer");
            }

            var read = await socket.ReceiveAsync(_buffer.AsMemory(_end), SocketFlags.None, cancellationToken);
            if (read == 0)
            {
                throw new EndOfStreamException("the peer closed the connection");
            }

            _end += read;
        }
    }

    /// <summary>
    /// A server on 127.0.0.1 that answers every request with the same response, calling <paramref name="onRequest"/>
    /// with each request head first: a stand-in for a remote API whose own cost is not ours to measure.
    /// </summary>
    internal sealed class FixedResponseServer : IAsyncDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly CancellationTokenSource _stop = new();
        private readonly byte[] _response;
        private readonly Action<string> _onRequest;
        private readonly Task _accepting;

        public FixedResponseServer(string contentType, string body, Action<string> onRequest)
        {
            var content = Encoding.UTF8.GetBytes(body);
            _response = [.. Encoding.ASCII.GetBytes($"HTTP/1.1 200 OK\r\nContent-Type: {contentType}\r\nContent-Length: {content.Length}\r\n\r\n"), .. content];
            _onRequest = onRequest;
            _listener.Start();
            _accepting = AcceptAsync();
        }

        public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            _listener.Stop();
            await _accepting;
            _stop.Dispose();
        }

        private async Task AcceptAsync()
        {
            try
            {
                while (true)
                {
                    var socket = await _listener.AcceptSocketAsync(_stop.Token);
                    socket.NoDelay = true;
                    _ = ServeAsync(socket);
                }
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
            }
        }

        private async Task ServeAsync(Socket socket)
        {
            using var connection = socket;
            var reader = new MessageReader(socket);
            try
            {
                while (true)
                {
                    _onRequest(await reader.ReadAsync(_stop.Token));
                    await socket.SendAsync(_response, SocketFlags.None, _stop.Token);
                }
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or EndOfStreamException or ObjectDisposedException)
            {
            }
        }
    }
}
