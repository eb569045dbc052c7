(* Sockets through the Unix library: a loopback TCP connection, UDP,
 * socketpair, addresses and name services. *)
open Unix

let show_addr = function
  | ADDR_UNIX s -> Printf.sprintf "unix %S" s
  | ADDR_INET (a, p) -> Printf.sprintf "inet %s:%s" (string_of_inet_addr a) (if p = 0 then "0" else "port")

let () =
  List.iter (fun s -> Printf.printf "%s -> %s\n" s (string_of_inet_addr (inet_addr_of_string s)))
    ["127.0.0.1"; "0.0.0.0"; "::1"; "::"; "fe80::1:2"; "2001:db8:0:0:1:0:0:1"; "::ffff:10.0.0.1"];
  (try ignore (inet_addr_of_string "not an address") with Failure m -> print_endline ("Failure " ^ m));
  Printf.printf "constants: %s %s %s %s\n" (string_of_inet_addr inet_addr_any) (string_of_inet_addr inet_addr_loopback)
    (string_of_inet_addr inet6_addr_any) (string_of_inet_addr inet6_addr_loopback);
  (* TCP on the loopback: connect completes against the listen backlog. *)
  let server = socket PF_INET SOCK_STREAM 0 in
  setsockopt server SO_REUSEADDR true;
  Printf.printf "SO_REUSEADDR %b, SO_TYPE stream %b\n" (getsockopt server SO_REUSEADDR)
    (getsockopt_int server SO_TYPE = getsockopt_int server SO_TYPE);
  bind server (ADDR_INET (inet_addr_loopback, 0));
  listen server 5;
  let port = match getsockname server with ADDR_INET (_, p) -> p | _ -> assert false in
  Printf.printf "bound: %s, port > 0 %b\n" (show_addr (getsockname server)) (port > 0);
  let client = socket PF_INET SOCK_STREAM 0 in
  connect client (ADDR_INET (inet_addr_loopback, port));
  let conn, peer = accept server in
  Printf.printf "accepted from %s; peer of client %s\n" (show_addr peer) (show_addr (getpeername client));
  setsockopt conn TCP_NODELAY true;
  Printf.printf "send %d\n" (send_substring client "ping over tcp" 0 13 []);
  let buf = Bytes.create 64 in
  let n = recv conn buf 0 64 [] in
  Printf.printf "recv %d %S\n" n (Bytes.sub_string buf 0 n);
  let oc = out_channel_of_descr conn and ic = in_channel_of_descr client in
  output_string oc "a line through channels\n";
  flush oc;
  Printf.printf "channel: %s\n" (input_line ic);
  shutdown conn SHUTDOWN_SEND;
  Printf.printf "after shutdown: recv %d\n" (recv client buf 0 64 []);
  Printf.printf "SO_ERROR %b, linger %b\n" (getsockopt_error client = None) (getsockopt_optint client SO_LINGER = None);
  setsockopt_float client SO_RCVTIMEO 1.5;
  Printf.printf "SO_RCVTIMEO %.1f\n" (getsockopt_float client SO_RCVTIMEO);
  close client; close conn; close server;
  (* refused: nobody listens on the port any more *)
  let s = socket PF_INET SOCK_STREAM 0 in
  (try connect s (ADDR_INET (inet_addr_loopback, port)); print_endline "connected?"
   with Unix_error (e, fn, _) -> Printf.printf "%s %s\n" (error_message e) fn);
  close s;
  (* UDP *)
  let a = socket PF_INET SOCK_DGRAM 0 and b = socket PF_INET SOCK_DGRAM 0 in
  bind a (ADDR_INET (inet_addr_loopback, 0));
  bind b (ADDR_INET (inet_addr_loopback, 0));
  Printf.printf "sendto %d\n" (sendto_substring b "datagram" 0 8 [] (getsockname a));
  let n, from = recvfrom a buf 0 64 [] in
  Printf.printf "recvfrom %d %S, from b %b\n" n (Bytes.sub_string buf 0 n) (from = getsockname b);
  (try ignore (in_channel_of_descr a) with Unix_error (e, fn, _) -> Printf.printf "%s %s\n" (error_message e) fn);
  close a; close b;
  (* socketpair *)
  let x, y = socketpair PF_UNIX SOCK_STREAM 0 in
  ignore (write_substring x "pair" 0 4);
  let n = read y buf 0 64 in
  Printf.printf "socketpair %S, name %s\n" (Bytes.sub_string buf 0 n) (show_addr (getsockname x));
  close x; close y;
  (* names *)
  let ai = getaddrinfo "127.0.0.1" "80" [AI_NUMERICHOST; AI_SOCKTYPE SOCK_STREAM] in
  List.iter (fun a -> Printf.printf "getaddrinfo: %s proto %d\n" (match a.ai_addr with
      | ADDR_INET (h, p) -> Printf.sprintf "%s:%d" (string_of_inet_addr h) p | _ -> "?") a.ai_protocol) ai;
  Printf.printf "getaddrinfo of nothing: %d\n" (List.length (getaddrinfo "no.such.host.invalid" "" [AI_NUMERICHOST]));
  let ni = getnameinfo (ADDR_INET (inet_addr_loopback, 80)) [NI_NUMERICHOST; NI_NUMERICSERV] in
  Printf.printf "getnameinfo: %s %s\n" ni.ni_hostname ni.ni_service;
  Printf.printf "gethostname: %b\n" (String.length (gethostname ()) > 0);
  let h = gethostbyname "localhost" in
  Printf.printf "gethostbyname localhost: %b\n" (Array.length h.h_addr_list > 0);
  (try ignore (gethostbyname "no.such.host.invalid") with Not_found -> print_endline "gethostbyname: Not_found");
  let p = getprotobyname "tcp" in
  Printf.printf "tcp is %d, %s\n" p.p_proto (getprotobynumber 17).p_name;
  (try let s = getservbyname "http" "tcp" in Printf.printf "http %d %s\n" s.s_port (getservbyport 80 "tcp").s_name
   with Not_found -> print_endline "no services database")
