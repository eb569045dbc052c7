(* Network stacks, with the shapes of MirageOS's [Tcpip.Tcp.S],
   [Tcpip.Udp.S] and [Tcpip.Stack.V4V6] (minus the IP layer itself). *)

module Keepalive = struct
  type t = { after : int64; interval : int64; probes : int }
end

module Tcp = struct
  type error = [ `Timeout | `Refused ]
  type write_error = [ Mirage_flow.write_error | error ]

  let pp_error ppf = function
    | `Timeout -> Format.pp_print_string ppf "connection attempt timed out"
    | `Refused -> Format.pp_print_string ppf "connection attempt was refused"

  let pp_write_error ppf = function
    | #Mirage_flow.write_error as e -> Mirage_flow.pp_write_error ppf e
    | #error as e -> pp_error ppf e

  module type S = sig
    type nonrec error = private [> error ]
    type nonrec write_error = private [> write_error ]
    type ipaddr
    type flow
    type t
    val disconnect : t -> unit Lwt.t
    include Mirage_flow.S with type flow := flow and type error := error
                           and type write_error := write_error
    val dst : flow -> ipaddr * int
    val write_nodelay : flow -> Cstruct.t -> (unit, write_error) result Lwt.t
    val writev_nodelay : flow -> Cstruct.t list -> (unit, write_error) result Lwt.t
    val create_connection : ?keepalive:Keepalive.t -> t -> ipaddr * int -> (flow, error) result Lwt.t
    val listen : t -> port:int -> ?keepalive:Keepalive.t -> (flow -> unit Lwt.t) -> unit
    val unlisten : t -> port:int -> unit
  end
end

module Udp = struct
  module type S = sig
    type error
    val pp_error : Format.formatter -> error -> unit
    type ipaddr
    type t
    val disconnect : t -> unit Lwt.t
    type callback = src:ipaddr -> dst:ipaddr -> src_port:int -> Cstruct.t -> unit Lwt.t
    val listen : t -> port:int -> callback -> unit
    val unlisten : t -> port:int -> unit
    val write : ?src:ipaddr -> ?src_port:int -> ?ttl:int -> dst:ipaddr -> dst_port:int -> t ->
      Cstruct.t -> (unit, error) result Lwt.t
  end
end

module Stack = struct
  module type V4V6 = sig
    type t
    val disconnect : t -> unit Lwt.t
    module UDP : Udp.S
    module TCP : Tcp.S with type ipaddr = UDP.ipaddr
    val udp : t -> UDP.t
    val tcp : t -> TCP.t
    val listen : t -> unit Lwt.t
  end
end
