"""RackHD 2.60.7's northbound API 2.0 (on-http ``monorail-2.0.yaml``, base path ``/api/2.0``).

Every operation authenticates with a JWT (``jwt``) unless its row says otherwise: the node-facing
``bootstrap.js``, alerts and UCS callbacks are open, and creating a user or a role also takes
``anonymous`` (RackHD lets the first user be created from localhost while there is none).
Privileges are written as RackHD spells them, quirks included: ``hooksDelById`` asks ``Remove``,
``filesDelete`` ``FilesRemove``, ``obmsPostLed`` ``Write,obmsRead``, ``skuPackPost``
``Read,skusWrite``, the SKU pack operations a lowercase ``write`` (no role grants it, so only their
second privilege counts), and listing or reading roles ``Write,rolesRead``. ``body=`` is ``x-swagger-schema``: a schema of
:mod:`.body_schemas`, ``obm`` (the OBM service's schema, :mod:`.obm_services`) or ``ibm`` (not checked).
"""

from rackharness.reference.contract.operation_table import OperationTable

API_2_0 = OperationTable(
    base_path="/api/2.0",
    authentication=("jwt",),
    rows="""
# operationId                method  path                                   privileges            options
catalogsGet                  GET     /catalogs                              Read,catalogsRead
catalogsIdGet                GET     /catalogs/{identifier}                 Read,catalogsRead
firmwareCatalogsIdGet        GET     /catalogs/{identifier}/firmware        Read,catalogsRead
configGet                    GET     /config                                Read,configRead
configPatch                  PATCH   /config                                Write,configModify
configPut                    PUT     /config                                Write,configModify
filesGetAll                  GET     /files                                 Read,filesRead
filesDelete                  DELETE  /files/{fileidentifier}                Write,FilesRemove
filesGet                     GET     /files/{fileidentifier}                Read,filesRead
filesPut                     PUT     /files/{fileidentifier}                Write,filesWrite
filesMd5Get                  GET     /files/{filename}/md5                  Read,filesRead
filesMetadataGet             GET     /files/{filename}/metadata             Read,filesRead
filesGetAllStatic            GET     /files/static/list                     Read
ibmsGet                      GET     /ibms                                  Read,ibmsRead
ibmsPut                      PUT     /ibms                                  Write,ibmsWrite       body=ibm
ibmsDefinitionsGetAll        GET     /ibms/definitions                      Read,ibmsRead
ibmsDefinitionsGetByName     GET     /ibms/definitions/{name}               Read,ibmsRead
ibmsDeleteById               DELETE  /ibms/{identifier}                     Write,ibmsRemove
ibmsGetById                  GET     /ibms/{identifier}                     Read,ibmsRead
ibmsPatchById                PATCH   /ibms/{identifier}                     Write,ibmsModify      body=ibm
hooksGetAll                  GET     /hooks                                 Read,hooksRead
hooksPost                    POST    /hooks                                 Write,hooksWrite      body=hooks.2.0.json#/definitions/HookPost
hooksGetById                 GET     /hooks/{identifier}                    Read,hooksRead
hooksDelById                 DELETE  /hooks/{identifier}                    Remove,hooksRemove
hooksPatchById               PATCH   /hooks/{identifier}                    Write,hooksModify     body=hooks.2.0.json#/definitions/HookBase
lookupsGet                   GET     /lookups                               Read,lookupsRead
lookupsPost                  POST    /lookups                               Write,lookupsWrite    body=lookups.2.0.json#/definitions/LookupPost
lookupsDelById               DELETE  /lookups/{id}                          Write,lookupsRemove
lookupsGetById               GET     /lookups/{id}                          Read,lookupsRead
lookupsPatchById             PATCH   /lookups/{id}                          Write,lookupsModify   body=lookups.2.0.json#/definitions/LookupBase
nodesGetAll                  GET     /nodes                                 Read,nodesRead
nodesPost                    POST    /nodes                                 Write,nodesWrite      body=node.2.0.json#/definitions/Node
nodesMasterDelTagById        DELETE  /nodes/tags/{tagName}                  Write,nodesRemove
nodesDelById                 DELETE  /nodes/{identifier}                    Write,nodesRemove
nodesGetById                 GET     /nodes/{identifier}                    Read,nodesRead
nodesPatchById               PATCH   /nodes/{identifier}                    Write,nodesModify
nodesGetCatalogById          GET     /nodes/{identifier}/catalogs           Read,catalogsRead
nodesGetCatalogSourceById    GET     /nodes/{identifier}/catalogs/{source}  Read,catalogsRead
nodesGetObmsByNodeId         GET     /nodes/{identifier}/obm                Read,obmsRead
nodesPutObmsByNodeId         PUT     /nodes/{identifier}/obm                Write,obmsWrite       body=obm
nodesGetPollersById          GET     /nodes/{identifier}/pollers            Read,pollersRead
nodesDelRelations            DELETE  /nodes/{identifier}/relations          Write,nodesRemove     body=relations.2.0.json#/definitions/Relation
nodesGetRelations            GET     /nodes/{identifier}/relations          Read,nodesRead
nodesAddRelations            PUT     /nodes/{identifier}/relations          Write,nodesModify     body=relations.2.0.json#/definitions/Relation
nodesGetSshById              GET     /nodes/{identifier}/ssh                Read,nodesRead
nodesPostSshById             POST    /nodes/{identifier}/ssh                Write,nodesWrite      body=ibm
nodesGetTagsById             GET     /nodes/{identifier}/tags               Read,nodesRead
nodesPatchTagById            PATCH   /nodes/{identifier}/tags               Write,nodesModify     body=node.2.0.json#/definitions/PartialNode
nodesDelTagById              DELETE  /nodes/{identifier}/tags/{tagName}     Write,nodesRemove
nodesGetWorkflowById         GET     /nodes/{identifier}/workflows          Read,workflowsRead
nodesPostWorkflowById        POST    /nodes/{identifier}/workflows          Write,workflowsWrite
nodesWorkflowActionById      PUT     /nodes/{identifier}/workflows/action   Write,workflowsModify
obmsGet                      GET     /obms                                  Read,obmsRead
obmsPut                      PUT     /obms                                  Write,obmsWrite       body=obm
obmsDefinitionsGetAll        GET     /obms/definitions                      Read,obmsRead
obmsDefinitionsGetByName     GET     /obms/definitions/{name}               Read,obmsRead
obmsPostLed                  POST    /obms/led                              Write,obmsRead
obmsDeleteById               DELETE  /obms/{identifier}                     Write,obmsRemove
obmsGetById                  GET     /obms/{identifier}                     Read,obmsRead
obmsPatchById                PATCH   /obms/{identifier}                     Write,obmsModify      body=obm
pollersGet                   GET     /pollers                               Read,pollersRead
pollersPost                  POST    /pollers                               Write,pollersWrite    body=poller.2.0.json#/definitions/Poller
pollersLibGet                GET     /pollers/library                       Read,pollersRead
pollersLibByIdGet            GET     /pollers/library/{identifier}          Read,pollersRead
pollersDelete                DELETE  /pollers/{identifier}                  Write,pollersRemove
pollersIdGet                 GET     /pollers/{identifier}                  Read,pollersRead
pollersPatch                 PATCH   /pollers/{identifier}                  Write,pollersModify   body=poller.2.0.json#/definitions/PartialPoller
pollersDataGet               GET     /pollers/{identifier}/data             Read,pollersRead
pollersCurrentDataGet        GET     /pollers/{identifier}/data/current     Read,pollersRead
profilesGetLibByName         GET     /profiles/library/{name}               Read,profilesRead
profilesPutLibByName         PUT     /profiles/library/{name}               Write,profilesWrite
profilesGetMetadata          GET     /profiles/metadata                     Read,profilesRead
profilesGetMetadataByName    GET     /profiles/metadata/{name}              Read,profilesRead
profilesPostSwitchError      POST    /profiles/switch/error                 Write,profilesWrite
listRoles                    GET     /roles                                 Write,rolesRead
addRole                      POST    /roles                                 Write                 auth=jwt,anonymous
removeRole                   DELETE  /roles/{name}                          Write,rolesRemove
getRole                      GET     /roles/{name}                          Write,rolesRead
modifyRole                   PATCH   /roles/{name}                          Write,rolesModify
schemasGet                   GET     /schemas                               Read,schemasRead
taskSchemasGet               GET     /schemas/tasks                         Read,schemasRead
taskSchemasIdGet             GET     /schemas/tasks/{identifier}            Read,schemasRead
schemasIdGet                 GET     /schemas/{identifier}                  Read,schemasRead
skusGet                      GET     /skus                                  Read,skusRead
skusPost                     POST    /skus                                  Write,skusWrite       body=skus.2.0.json#/definitions/SkusUpsert
skusPut                      PUT     /skus                                  Write,skusWrite       body=skus.2.0.json#/definitions/SkusUpsert
skuPackPost                  POST    /skus/pack                             Read,skusWrite
skusIdDelete                 DELETE  /skus/{identifier}                     Write,skusRemove
skusIdGet                    GET     /skus/{identifier}                     Read,skusRead
skusPatch                    PATCH   /skus/{identifier}                     Write,skusModify
skusIdGetNodes               GET     /skus/{identifier}/nodes               Read,skusRead
skusIdDeletePack             DELETE  /skus/{identifier}/pack                write,skusRemove
skusIdPutPack                PUT     /skus/{identifier}/pack                write,skusWrite
getAllTags                   GET     /tags                                  Read,tagsRead
createTag                    POST    /tags                                  Write,tagsWrite       body=tags.2.0.json
deleteTag                    DELETE  /tags/{tagName}                        Write,tagsRemove
getTag                       GET     /tags/{tagName}                        Read,tagsRead
getNodesByTag                GET     /tags/{tagName}/nodes                  Read,tagsRead
postWorkflowById             POST    /tags/{tagName}/nodes/workflows        Write,workflowsWrite
getBootstrap                 GET     /tasks/bootstrap.js                    -                     auth=open
getTasksById                 GET     /tasks/{identifier}                    Read
postTaskById                 POST    /tasks/{identifier}                    Write
templatesLibDelete           DELETE  /templates/library/{name}              Write,templatesRemove
templatesLibGet              GET     /templates/library/{name}              Read,templatesRead
templatesLibPut              PUT     /templates/library/{name}              Write,templatesWrite
templatesMetaGet             GET     /templates/metadata                    Read,templatesRead
templatesMetaGetByName       GET     /templates/metadata/{name}             Read,templatesRead
listUsers                    GET     /users                                 Read,usersRead
addUser                      POST    /users                                 Write,usersWrite      auth=jwt,anonymous  body=user.2.0.json#/definitions/User
removeUser                   DELETE  /users/{name}                          Write,usersRemove
getUser                      GET     /users/{name}                          Read,usersRead
modifyUser                   PATCH   /users/{name}                          ConfigureUsers,ConfigureSelf,usersModify  body=user.2.0.json#/definitions/PartialUser
viewsGet                     GET     /views                                 Read,viewsRead
viewsDelete                  DELETE  /views/{identifier}                    Write,viewsRemove
viewsGetById                 GET     /views/{identifier}                    Read,viewsRead
viewsPut                     PUT     /views/{identifier}                    Write,viewsWrite
workflowsGet                 GET     /workflows                             Read,workflowsRead
workflowsPost                POST    /workflows                             Write,workflowsWrite
workflowsGetGraphs           GET     /workflows/graphs                      Read,workflowsRead
workflowsPutGraphs           PUT     /workflows/graphs                      Write,workflowsWrite  body=workflowGraphs.2.0.json#/definitions/workflowGraphsPut
workflowsDeleteGraphsByName  DELETE  /workflows/graphs/{injectableName}     Write,workflowsRemove
workflowsGetGraphsByName     GET     /workflows/graphs/{injectableName}     Read,workflowsRead
workflowsGetAllTasks         GET     /workflows/tasks                       Read,workflowsRead
workflowsPutTask             PUT     /workflows/tasks                       Write,workflowsWrite
workflowsDeleteTasksByName   DELETE  /workflows/tasks/{injectableName}      Write,workflowsRemove
workflowsGetTasksByName      GET     /workflows/tasks/{injectableName}      Read,workflowsRead
workflowsDeleteByInstanceId  DELETE  /workflows/{identifier}                Write,workflowsRemove
workflowsGetByInstanceId     GET     /workflows/{identifier}                Read,workflowsRead
workflowsAction              PUT     /workflows/{identifier}/action         Write,workflowsModify
notificationAlertsPost       POST    /notification/alerts                   -                     auth=open
ucsCallbackPost              POST    /ucsCallback                           -                     auth=open
""",
)
