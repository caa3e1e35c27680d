"""RackHD 2.60.7's Redfish 1.0 service (on-http ``redfish.yaml``, base ``/redfish/v1``) and its root
(``redfish-root.yaml``, ``/redfish``).

Redfish operations authenticate with a session token (``redfish``, the ``X-Auth-Token`` header) or
HTTP Basic (``basic``) and ask the ``Login`` privilege unless their row says otherwise: the
service root and account creation also take ``anonymous``, opening a session is open (it still
names ``Login``, which an open operation never checks), system actions and firmware updates ask
``ConfigureComponents``, every Managers operation ``ConfigureManager``, accounts and roles
``ConfigureUsers`` (changing an account: or ``ConfigureSelf``), and closing a session ``ConfigureSelf``.
``/redfish`` (the protocol version) is open and asks nothing.
"""

from rackharness.reference.contract.operation_table import OperationTable

REDFISH_1_0 = OperationTable(
    base_path="/redfish/v1",
    authentication=("redfish", "basic"),
    privileges=("Login",),
    rows="""
# operationId                    method  path                                                         privileges                    options
getServiceRoot                    GET     /                                                                                          auth=redfish,basic,anonymous
listChassis                       GET     /Chassis
getChassis                        GET     /Chassis/{identifier}
getThermal                        GET     /Chassis/{identifier}/Thermal
getPower                          GET     /Chassis/{identifier}/Power
listSystems                       GET     /Systems
getSystem                         GET     /Systems/{identifier}
listSystemBios                    GET     /Systems/{identifier}/Bios
listSystemBiosSettings            GET     /Systems/{identifier}/Bios/Settings
patchSystemBiosSettings           PATCH   /Systems/{identifier}/Bios/Settings
changeSystemBiosPassword          POST    /Systems/{identifier}/Bios.ChangePassword
resetSystemBios                   POST    /Systems/{identifier}/Bios.ResetBios
listSystemProcessors              GET     /Systems/{identifier}/Processors
getSystemProcessor                GET     /Systems/{identifier}/Processors/{socket}
listSimpleStorage                 GET     /Systems/{identifier}/SimpleStorage
getSimpleStorage                  GET     /Systems/{identifier}/SimpleStorage/{index}
listStorage                       GET     /Systems/{identifier}/Storage
getStorage                        GET     /Systems/{identifier}/Storage/{index}
getDrive                          GET     /Systems/{identifier}/Storage/{index}/Drives/{driveIndex}
addHotspare                       POST    /Systems/{identifier}/Storage/{index}/Drives/{driveIndex}
listVolume                        GET     /Systems/{identifier}/Storage/{index}/Volumes
addVolume                         POST    /Systems/{identifier}/Storage/{index}/Volumes
getVolume                         GET     /Systems/{identifier}/Storage/{index}/Volumes/{volumeIndex}
deleteVolume                      DELETE  /Systems/{identifier}/Storage/{index}/Volumes/{volumeIndex}
listLogService                    GET     /Systems/{identifier}/LogServices
getSelLogService                  GET     /Systems/{identifier}/LogServices/SEL
listSelLogServiceEntries          GET     /Systems/{identifier}/LogServices/SEL/Entries
getSelLogServiceEntry             GET     /Systems/{identifier}/LogServices/SEL/Entries/{entryId}
getLcLogService                   GET     /Systems/{identifier}/LogServices/lc
listLcLogServiceEntries           GET     /Systems/{identifier}/LogServices/lc/Entries
getLcLogServiceEntry              GET     /Systems/{identifier}/LogServices/lc/Entries/{entryId}
listResetTypes                    GET     /Systems/{identifier}/Actions/ComputerSystem.Reset
doReset                           POST    /Systems/{identifier}/Actions/ComputerSystem.Reset           ConfigureComponents
listBootImage                     GET     /Systems/{identifier}/Actions/RackHD.BootImage
doBootImage                       POST    /Systems/{identifier}/Actions/RackHD.BootImage               ConfigureComponents
listSystemEthernetInterfaces      GET     /Systems/{identifier}/EthernetInterfaces
listSystemEthernetInterfacesById  GET     /Systems/{identifier}/EthernetInterfaces/{index}
listManagerNetworkProtocol        GET     /Managers/{identifier}/NetworkProtocol
getSecureBoot                     GET     /Systems/{identifier}/SecureBoot
setSecureBoot                     POST    /Systems/{identifier}/SecureBoot                             ConfigureComponents
getAccountService                 GET     /AccountService                                              ConfigureUsers
getAccounts                       GET     /AccountService/Accounts                                     ConfigureUsers
createAccount                     POST    /AccountService/Accounts                                     ConfigureUsers                auth=redfish,basic,anonymous
eventServiceRoot                  GET     /EventService
getEventsCollection               GET     /EventService/Subscriptions
createSubscription                POST    /EventService/Subscriptions
getEvent                          GET     /EventService/Subscriptions/{index}
deleteEvent                       DELETE  /EventService/Subscriptions/{index}
testEvent                         POST    /EventService/Actions/EventService.SubmitTestEvent
getAccount                        GET     /AccountService/Accounts/{name}                              ConfigureUsers
removeAccount                     DELETE  /AccountService/Accounts/{name}                              ConfigureUsers
modifyAccount                     PATCH   /AccountService/Accounts/{name}                              ConfigureUsers,ConfigureSelf
listManagers                      GET     /Managers                                                    ConfigureManager
getManager                        GET     /Managers/{identifier}                                       ConfigureManager
patchManager                      PATCH   /Managers/{identifier}                                       ConfigureManager
listLocalEthernetInterfaces       GET     /Managers/RackHD/EthernetInterfaces
listManagerEthernetInterfaces     GET     /Managers/{identifier}/EthernetInterfaces
getLocalEthernetInterface         GET     /Managers/RackHD/EthernetInterfaces/{index}
getManagerEthernetInterface       GET     /Managers/{identifier}/EthernetInterfaces/{index}
unimplemented                     GET     /Managers/{identifier}/VirtualMedia/{index}
listManagerSerialInterfaces       GET     /Managers/{identifier}/SerialInterfaces
getManagerSerialInterface         GET     /Managers/{identifier}/SerialInterfaces/{index}
listRegistry                      GET     /Registries
getRegistryFile                   GET     /Registries/{identifier}
getRegistryFileContents           GET     /Registries/en/{identifier}
listRoles                         GET     /AccountService/Roles                                        ConfigureUsers
getRole                           GET     /AccountService/Roles/{identifier}                           ConfigureUsers
listSchemas                       GET     /JsonSchemas
getSchema                         GET     /JsonSchemas/{identifier}
getSchemaContent                  GET     /SchemaStore/en/{identifier}
getSessionService                 GET     /SessionService
getSessions                       GET     /SessionService/Sessions
postSession                       POST    /SessionService/Sessions                                                                   auth=open
getSessionInfo                    GET     /SessionService/Sessions/{identifier}
doLogoutSession                   DELETE  /SessionService/Sessions/{identifier}                        ConfigureSelf
taskServiceRoot                   GET     /TaskService
listTasks                         GET     /TaskService/Tasks
getTask                           GET     /TaskService/Tasks/{identifier}
getSystemTasks                    GET     /TaskService/Oem/Tasks/{identifier}
getUpdateService                  GET     /UpdateService
updateFirmware                    POST    /UpdateService/Actions/UpdateService.SimpleUpdate            ConfigureComponents
getSoftwareInventoryList          GET     /UpdateService/SoftwareInventory
getSoftwareInventoryById          GET     /UpdateService/SoftwareInventory/{identifier}
getFirmwareInventoryList          GET     /UpdateService/FirmwareInventory
getFirmwareInventoryById          GET     /UpdateService/FirmwareInventory/{identifier}
listNetworks                      GET     /NetworkDevices
getNetwork                        GET     /NetworkDevices/{identifier}
getMetadata                       GET     /$metadata
listDCIMCoolingDomainCollection   GET     /DCIMCooling
listDCIMCoolingDomain             GET     /DCIMCooling/{domain}
listDCIMCoolingTypeCollection     GET     /DCIMCooling/{domain}/{type}
listDCIMCoolingDefault            GET     /DCIMCooling/{domain}/{type}/{identifier}
listDCIMPowerDomainCollection     GET     /DCIMPower
listDCIMPowerDomain               GET     /DCIMPower/{domain}
listDCIMPowerTypeCollection       GET     /DCIMPower/{domain}/{type}
listDCIMPowerDefault              GET     /DCIMPower/{domain}/{type}/{identifier}
getOdata                          GET     /odata
""",
)

REDFISH_ROOT = OperationTable(
    base_path="/redfish",
    authentication=(),
    rows="""
getRedfishProtocolVersion  GET     /  -  auth=open
""",
)
