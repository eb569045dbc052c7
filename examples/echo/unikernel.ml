(* TCP and UDP echo servers written against Mirage's stack signature: every
   byte of a TCP connection and every UDP datagram goes back to its sender
   unchanged. *)

let ( >>= ) = Lwt.bind

module Echo (C : Mirage_console.S) (S : Tcpip.Stack.V4V6) = struct
  let rec echo flow =
    S.TCP.read flow >>= function
    | Ok (`Data buf) -> (
        S.TCP.write flow buf >>= function
        | Ok () -> echo flow
        | Error _ -> Lwt.return_unit)
    | Ok `Eof | Error _ -> Lwt.return_unit

  let start ~port c stack =
    S.TCP.listen (S.tcp stack) ~port echo;
    let udp = S.udp stack in
    S.UDP.listen udp ~port (fun ~src ~dst:_ ~src_port buf ->
        S.UDP.write ~src_port:port ~dst:src ~dst_port:src_port udp buf >>= fun _ ->
        Lwt.return_unit);
    C.log c (Printf.sprintf "echo: TCP and UDP on port %d" port) >>= fun () -> S.listen stack
end
