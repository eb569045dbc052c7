(* TCP and UDP over loopback through Ucaml_net, in one program: echo,
   keep-alive style exchanges, refused connections, resets, shutdown, UDP
   datagrams.  Errors must come back as results. *)

open Check

let ( >>= ) = Lwt.bind

module T = Ucaml_net.Tcp
module U = Ucaml_net.Udp

let localhost = Ucaml_net.Ipaddr.localhost

(* The echo server: returns every byte until end of input. *)
let rec echo flow =
  T.read flow >>= function
  | Ok (`Data d) -> (T.write flow d >>= function Ok () -> echo flow | Error _ -> Lwt.return_unit)
  | Ok `Eof | Error _ -> Lwt.return_unit

let rec read_exactly flow n acc =
  if n <= 0 then Lwt.return (Ok (Buffer.contents acc))
  else
    T.read flow >>= function
    | Ok (`Data d) -> Buffer.add_string acc (Cstruct.to_string d); read_exactly flow (n - Cstruct.length d) acc
    | Ok `Eof -> Lwt.return (Error "eof")
    | Error _ -> Lwt.return (Error "error")

let tcp stack =
  let tcp = Ucaml_net.Stack.tcp stack in
  T.listen tcp ~port:0 echo;
  let port = Option.get (T.listening_port tcp ~port:0) in
  T.create_connection tcp (localhost, port) >>= function
  | Error _ -> check "connect to the echo server" false; Lwt.return_unit
  | Ok flow ->
    check "dst is the server" (T.dst flow = (localhost, port));
    let big = String.init 200_000 (fun i -> Char.chr (i land 255)) in
    Lwt_list.iter_s
      (fun msg ->
        T.write flow (Cstruct.of_string msg) >>= fun w ->
        read_exactly flow (String.length msg) (Buffer.create 16) >>= fun r ->
        check (Printf.sprintf "echo of %d bytes" (String.length msg)) (w = Ok () && r = Ok msg);
        Lwt.return_unit)
      [ "hello"; "again on the same connection"; big ]
    >>= fun () ->
    T.shutdown flow `write >>= fun () ->
    T.read flow >>= fun r ->
    check "server closes after our shutdown" (r = Ok `Eof);
    T.close flow >>= fun () ->
    T.write flow (Cstruct.of_string "x") >>= fun r ->
    check "write after close is Closed" (r = Error `Closed);
    T.read flow >>= fun r ->
    check "read after close is Eof" (r = Ok `Eof);
    T.unlisten tcp ~port:0;
    T.create_connection tcp (localhost, port) >>= fun r ->
    check "connection refused once unlistened" (match r with Error `Refused -> true | _ -> false);
    Lwt.return_unit

(* A server that resets every connection (closes with data unread). *)
let reset stack =
  let tcp = Ucaml_net.Stack.tcp stack in
  T.listen tcp ~port:0 (fun flow -> Ucaml_os.Time.sleep_ns 20_000_000L >>= fun () -> T.close flow);
  let port = Option.get (T.listening_port tcp ~port:0) in
  T.create_connection tcp (localhost, port) >>= function
  | Error _ -> check "connect to the resetting server" false; Lwt.return_unit
  | Ok flow ->
    T.write flow (Cstruct.of_string "unread by the server") >>= fun _ ->
    T.read flow >>= fun r ->
    check "a reset reads as end of input" (r = Ok `Eof);
    let rec write_until_error n =
      if n = 0 then Lwt.return false
      else T.write flow (Cstruct.create 4096) >>= function
        | Ok () -> Ucaml_os.Time.sleep_ns 1_000_000L >>= fun () -> write_until_error (n - 1)
        | Error _ -> Lwt.return true
    in
    write_until_error 50 >>= fun failed ->
    check "writing to a reset connection is an error result" failed;
    T.close flow >>= fun () -> T.unlisten tcp ~port:0; Lwt.return_unit

let udp stack =
  let u = Ucaml_net.Stack.udp stack in
  let got, got_u = Lwt.wait () in
  let port = 39000 + (Random.int 1000) in
  U.listen u ~port (fun ~src ~dst:_ ~src_port:_ data ->
      if src = localhost then Lwt.wakeup_later got_u (Cstruct.to_string data);
      Lwt.return_unit);
  U.write ~dst:localhost ~dst_port:port u (Cstruct.of_string "datagram") >>= fun w ->
  check "UDP send" (w = Ok ());
  Lwt.pick [ got; (Ucaml_os.Time.sleep_ns 2_000_000_000L >>= fun () -> Lwt.return "timeout") ] >>= fun r ->
  check "UDP datagram received" (r = "datagram");
  U.unlisten u ~port;
  Lwt.return_unit

let () =
  Random.self_init ();
  Ucaml_os.Main.run
    (Ucaml_net.Stack.connect ~ip:localhost () >>= fun stack ->
     tcp stack >>= fun () -> reset stack >>= fun () -> udp stack >>= fun () ->
     Ucaml_net.Stack.disconnect stack);
  (* A port in use: the failure is an exception the program can catch. *)
  let t = Ucaml_net.Tcp.create localhost in
  Ucaml_net.Tcp.listen t ~port:0 (fun _ -> Lwt.return_unit);
  let port = Option.get (Ucaml_net.Tcp.listening_port t ~port:0) in
  (try
     Ucaml_net.Tcp.listen (Ucaml_net.Tcp.create localhost) ~port (fun _ -> Lwt.return_unit);
     check "listening twice on a port fails" false
   with Ucaml_dev.Device_error (_, Ucaml_dev.Addr_in_use) -> check "address in use is an exception" true);
  finish "net"
