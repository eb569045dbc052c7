(* The OCaml side of the `http` fuzz harness (fuzz_ocaml.c): the input is
   the bytes a client sends on one connection to the HTTP example's server
   (cohttp-lwt's Make_server over examples/http/flow_io.ml), here over an
   in-memory flow.  The handler reads the body and the headers the way
   servers do, then answers, so that responses are written too.  Any
   exception is the input's doing and is ignored: only a crash of the VM is
   a finding.  run.sh compiles it after lib/ucaml_mirage/mirage_flow.ml and
   examples/http/flow_io.ml, with the packages cohttp-lwt and cstruct.
   `http.byte seeds DIR` writes the seeds into DIR/http;
   `http.byte replay FILE...` prints what each input leads to. *)

let ( >>= ) = Lwt.bind

(* A flow whose reads return the input, a piece at a time, then end of
   input; writes are counted and dropped.  The piece size depends on the
   input's length, so that the reader's buffer boundaries fall anywhere,
   but there are at most about 1024 pieces.  After [max_requests] requests
   the flow ends: an input's run time stays bounded (in the instrumented
   harness a request costs milliseconds). *)
let served = ref 0
let max_requests = 32

module Mem = struct
  type error = [ `Refused ]
  let pp_error ppf `Refused = Format.pp_print_string ppf "refused"
  type write_error = Mirage_flow.write_error
  let pp_write_error = Mirage_flow.pp_write_error
  type flow = { input : string; mutable pos : int; step : int; mutable sent : int }

  let steps = [| 1; 2; 7; 64; 1460; 65536 |]
  let of_string input =
    let len = String.length input in
    { input; pos = 0; step = max steps.(len mod Array.length steps) (len / 1024); sent = 0 }

  let read f =
    let left = String.length f.input - f.pos in
    if left <= 0 || !served >= max_requests then Lwt.return (Ok `Eof)
    else begin
      let len = min f.step left in
      let c = Cstruct.of_string ~off:f.pos ~len f.input in
      f.pos <- f.pos + len;
      Lwt.return (Ok (`Data c))
    end

  let write f c = f.sent <- f.sent + Cstruct.length c; Lwt.return (Ok ())
  let writev f cs = List.iter (fun c -> f.sent <- f.sent + Cstruct.length c) cs; Lwt.return (Ok ())
  let shutdown _ _ = Lwt.return_unit
  let close _ = Lwt.return_unit
end

(* Time stands still: a head's deadline never passes (the harness is about
   bytes, and must be deterministic). *)
module Still_time = struct let sleep_ns _ = fst (Lwt.wait ()) end
module Still_clock = struct let elapsed_ns () = 0L let period_ns () = None end

module IO = Flow_io.Make (Mem) (Still_time) (Still_clock)
module Server = Cohttp_lwt.Make_server (IO)
module Header = Cohttp.Header

(* Set by `replay`: prints what happens. *)
let verbose = ref false
let log msg = if !verbose then print_endline (Lazy.force msg)

(* What a server typically looks at in a request. *)
let inspect req body =
  let h = Cohttp.Request.headers req in
  let uri = Cohttp.Request.uri req in
  ignore (Uri.pct_decode (Uri.path uri));
  ignore (Uri.query uri, Uri.host uri, Uri.port uri, Uri.to_string uri);
  ignore (Header.to_list h, Header.get_media_type h, Header.get_content_range h);
  ignore (Header.get_connection_close h, Header.get_acceptable_media_ranges h);
  ignore (Header.get_acceptable_charsets h, Header.get_acceptable_encodings h);
  ignore (Header.get_acceptable_languages h, Header.get_authorization h);
  ignore (Header.get_location h, Header.get_links h, Header.to_string h);
  ignore (Cohttp.Cookie.Cookie_hdr.extract h);
  log (lazy (Printf.sprintf "%s %s %d bytes" (Cohttp.Code.string_of_method (Cohttp.Request.meth req))
               (Uri.to_string uri) (String.length body)))

let callback _conn req body =
  incr served;
  Cohttp_lwt.Body.to_string body >>= fun body ->
  inspect req body;
  match Cohttp.Request.meth req with
  | `GET when Uri.path (Cohttp.Request.uri req) = "/stream" ->
    (* A chunked response. *)
    let body = Cohttp_lwt.Body.of_stream (Lwt_stream.of_list [ "a"; String.make 100 'b'; "" ]) in
    Server.respond ~status:`OK ~body ()
  | `GET | `HEAD -> Server.respond_not_found ~uri:(Cohttp.Request.uri req) ()
  | `POST | `PUT -> Server.respond_string ~status:`OK ~body ()
  | _ -> Server.respond_string ~status:`Method_not_allowed ~body:"method not allowed\n" ()

let spec = Server.make ~callback ()

(* Runs the connection to its end: nothing waits on anything but the
   paused promises of the output's flushes. *)
let serve input =
  served := 0;
  let flow = Mem.of_string input in
  let ic, oc = IO.channels flow in
  let p = Server.callback spec flow ic oc in
  let rounds = ref 0 in
  while Lwt.paused_count () > 0 && !rounds < 100_000 do
    Lwt.wakeup_paused (); incr rounds
  done;
  (match Lwt.state p with
   | Lwt.Return () -> log (lazy (Printf.sprintf "done, %d bytes sent" flow.Mem.sent))
   | Lwt.Fail e -> log (lazy ("failed: " ^ Printexc.to_string e))
   | Lwt.Sleep -> log (lazy "still pending"));
  Lwt.cancel p

let http s = try serve s with e -> log (lazy ("raised " ^ Printexc.to_string e))

let seeds = [
  "get", "GET / HTTP/1.1\r\nHost: example.org\r\nUser-Agent: curl/7.88\r\nAccept: */*\r\n\r\n";
  "get_headers",
  "GET /dir/a%20b.html?x=1&y=%zz#frag HTTP/1.1\r\nHost: [::1]:8080\r\n\
   Accept: text/html;q=0.9, application/*;q=0.1, */*;level=1\r\n\
   Accept-Charset: utf-8, iso-8859-1;q=0.5\r\nAccept-Encoding: gzip;q=1.0, identity; q=0.5, *;q=0\r\n\
   Accept-Language: en-GB, fr;q=0.7\r\nAuthorization: Basic dXNlcjpwYXNz\r\n\
   Cookie: a=1; b=\"two\"; c\r\nLink: </next>; rel=\"next\", <http://x/>; rel=prev; title*=UTF-8'en'x\r\n\
   Content-Range: bytes 0-99/1000\r\nLocation: /elsewhere\r\nConnection: close\r\n\r\n";
  "keepalive",
  "GET /a HTTP/1.1\r\nHost: h\r\n\r\nHEAD /b HTTP/1.1\r\nHost: h\r\n\r\n\
   GET /stream HTTP/1.1\r\nHost: h\r\n\r\nGET /c HTTP/1.0\r\n\r\n";
  "post",
  "POST /form HTTP/1.1\r\nHost: h\r\nContent-Type: application/x-www-form-urlencoded\r\n\
   Content-Length: 13\r\n\r\na=1&b=%20two&GET / HTTP/1.1\r\n\r\n";
  "chunked",
  "PUT /up HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n\
   5\r\nhello\r\n1a;ext=1\r\nabcdefghijklmnopqrstuvwxyz\r\n0\r\nTrailer: x\r\n\r\n\
   DELETE /x HTTP/1.1\r\n\r\n";
  "bad_line", "GET\r\n\r\n";
  "bad_version", "GET / HTTP/9.9\r\nHost: h\r\n\r\n";
  "bad_header", "GET / HTTP/1.1\r\nNo colon here\r\n: empty\r\n\r\n";
  "bad_length", "POST / HTTP/1.1\r\nContent-Length: -5\r\n\r\nxx";
  "huge_length", "POST / HTTP/1.1\r\nContent-Length: 99999999999999999999\r\n\r\nxx";
  "bad_chunk", "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\nffffffffffffffff\r\n";
  "lf_only", "OPTIONS * HTTP/1.1\nHost: h\n\n";
  "absolute", "CONNECT host:443 HTTP/1.1\r\n\r\nGET http://u:p@h:99/p;q?r HTTP/1.1\r\n\r\n";
]

let () =
  Callback.register "http" http;
  match Array.to_list Sys.argv with
  | [ _; "seeds"; dir ] ->
    let dir = Filename.concat dir "http" in
    (try Sys.mkdir dir 0o755 with Sys_error _ -> ());
    List.iter (fun (name, s) ->
        let oc = open_out_bin (Filename.concat dir name) in
        output_string oc s; close_out oc) seeds
  | _ :: "replay" :: files ->
    verbose := true;
    List.iter (fun f ->
        print_endline ("== " ^ f);
        let ic = open_in_bin f in
        let s = really_input_string ic (in_channel_length ic) in
        close_in ic;
        http s) files
  | _ -> ()
